import { Injectable } from '@nestjs/common';
import { PrismaService } from '@tributary/database';
import type { OrderStatus, SameType } from '@tributary/contracts';
import { PrismaClient } from '../generated/prisma/client.js';
import type { OrderStatus as OrderStatusColumn } from '../generated/prisma/enums.js';

/** The orders service's own database. */
@Injectable()
export class OrdersDatabase extends PrismaService(PrismaClient) {}

// The database's enum is the contract's: a status added to one alone fails `npm run check`.
const _statusesAreTheContracts: SameType<OrderStatusColumn, OrderStatus> = true;
