import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tributary/database';
import { PrismaClient } from '../generated/prisma/client.js';

/** The orders service's own database. */
@Injectable()
export class OrdersDatabase extends PrismaService(PrismaClient) {}
