import { Injectable } from '@nestjs/common';
import { keysetOrderBy, keysetWhere, periodOrThrow, type BatchResourceSource, type KeysetWindow } from '@tributary/batch-api';
import { DomainException, groupByKeys } from '@tributary/core';
import { uuidv7 } from 'uuidv7';
import { OrdersDatabase } from '../database/orders-database.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { BatchGetByCustomerRequestDto, CreateOrderDto, OrdersListQueryDto, UpdateOrderDto } from './order.dto.js';

type OrderFilters = Pick<OrdersListQueryDto, 'customerId' | 'status' | 'placedFrom' | 'placedTo'>;

const PLACED = { from: 'placedFrom', to: 'placedTo' };

/**
 * An order with its lines, fetched in the same SQL statement: the lines are
 * aggregated into JSON by a lateral join rather than loaded by a second query.
 */
const withLines = {
  relationLoadStrategy: 'join',
  include: { lines: { select: { lineNo: true, productId: true, quantity: true, unitPriceCents: true }, orderBy: { lineNo: 'asc' } } },
} satisfies Pick<Prisma.OrderFindManyArgs, 'relationLoadStrategy' | 'include'>;

export type OrderWithLines = Prisma.OrderGetPayload<typeof withLines>;

@Injectable()
export class OrdersService implements BatchResourceSource<OrderWithLines, OrderFilters> {
  constructor(private readonly db: OrdersDatabase) {}

  findByIds(ids: readonly string[]): Promise<OrderWithLines[]> {
    return this.db.order.findMany({ ...withLines, where: { id: { in: [...ids] } } });
  }

  findPage(window: KeysetWindow, take: number, filters: OrderFilters): Promise<OrderWithLines[]> {
    return this.db.order.findMany({
      ...withLines,
      where: {
        ...keysetWhere(window),
        customerId: filters.customerId,
        status: filters.status,
        placedAt: periodOrThrow(filters.placedFrom, filters.placedTo, PLACED),
      },
      orderBy: [...keysetOrderBy],
      take,
    });
  }

  /** Every requested customer's orders in the period, oldest first: one entry per id, in order. */
  async findByCustomers(request: BatchGetByCustomerRequestDto): Promise<Array<{ customerId: string; orders: OrderWithLines[] }>> {
    const placedAt = periodOrThrow(request.placedFrom, request.placedTo, PLACED);
    const customerIds = [...new Set(request.customerIds)];
    const orders = await this.db.order.findMany({
      ...withLines,
      where: { customerId: { in: customerIds }, placedAt },
      orderBy: [{ customerId: 'asc' }, { placedAt: 'asc' }, { id: 'asc' }],
    });
    const groups = groupByKeys(request.customerIds, orders, (order) => order.customerId);
    return request.customerIds.map((customerId, index) => ({ customerId, orders: groups[index]! }));
  }

  create(input: CreateOrderDto): Promise<OrderWithLines> {
    const now = new Date();
    const placedAt = input.placedAt ? new Date(input.placedAt) : now;
    return this.db.order.create({
      ...withLines,
      data: {
        id: uuidv7(),
        customerId: input.customerId,
        placedAt,
        status: input.status ?? 'PLACED',
        currency: input.currency,
        totalCents: input.lines.reduce((sum, line) => sum + BigInt(line.quantity) * BigInt(line.unitPriceCents), 0n),
        units: input.lines.reduce((sum, line) => sum + line.quantity, 0),
        updatedAt: now,
        lines: { create: input.lines.map((line, index) => ({ lineNo: index + 1, ...line })) },
      },
    });
  }

  async update(id: string, changes: UpdateOrderDto): Promise<OrderWithLines> {
    const { count } = await this.db.order.updateMany({ where: { id }, data: { ...changes, updatedAt: new Date() } });
    if (count === 0) throw DomainException.notFound('order', id);
    const [order] = await this.findByIds([id]);
    return order!;
  }
}
