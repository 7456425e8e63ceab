import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tributary/database';
import { PrismaClient } from '../generated/prisma/client.js';

/** The customers service's own database. */
@Injectable()
export class CustomersDatabase extends PrismaService(PrismaClient) {}
