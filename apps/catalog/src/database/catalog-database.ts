import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tributary/database';
import { PrismaClient } from '../generated/prisma/client.js';

/** The catalog service's own database. */
@Injectable()
export class CatalogDatabase extends PrismaService(PrismaClient) {}
