import { Injectable } from '@nestjs/common';
import { periodOrThrow } from '@tributary/batch-api';
import { DomainException } from '@tributary/core';
import { OrdersDatabase } from '../database/orders-database.js';
import { Prisma } from '../generated/prisma/client.js';
import { AGGREGATE_MEASURES, type AggregateGrouping, type AggregateMeasure, type AggregateOrdersRequest, type Currency, type OrderAggregateEntry } from '@tributary/contracts';

interface AggregateRow {
  key: string | null;
  currency: string;
  revenue_cents: bigint;
  order_count?: bigint;
  units?: bigint;
  customer_count?: bigint;
  first_placed_at?: Date;
  last_placed_at?: Date;
}

/**
 * Sums stay exact in SQL (bigint); they reach JSON as numbers while they fit 2^53. A
 * group beyond that (90 trillion in cents) cannot be sent exactly: the request is
 * refused, naming what to narrow, rather than answered with a rounded figure.
 */
function toSafeNumber(value: bigint, field: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) {
    throw DomainException.invalidField('placedFrom', `the ${field} of a group comes to ${value}, beyond the 2^53 a JSON number carries exactly: aggregate a shorter period`);
  }
  return number;
}

const KEY_OF_ORDER: Record<Exclude<AggregateGrouping, 'product'>, Prisma.Sql> = {
  customer: Prisma.sql`o.customer_id`,
  month: Prisma.sql`to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM')`,
  none: Prisma.sql`NULL::text`,
};

/**
 * Each measure's SQL, per kind of grouping. Orders carry their totals and units, so
 * groupings of orders need one scan and no join; product groups are what their lines
 * earned. A customer's group has one customer: counting distinct ones would only cost
 * a sort.
 */
function measureSql(grouping: AggregateGrouping): Record<'revenueCents' | AggregateMeasure, Prisma.Sql> {
  const ofLines = grouping === 'product';
  return {
    revenueCents: ofLines ? Prisma.sql`SUM(l.quantity::bigint * l.unit_price_cents)::bigint AS revenue_cents` : Prisma.sql`SUM(o.total_cents)::bigint AS revenue_cents`,
    orderCount: ofLines ? Prisma.sql`COUNT(DISTINCT o.id) AS order_count` : Prisma.sql`COUNT(*) AS order_count`,
    units: ofLines ? Prisma.sql`SUM(l.quantity)::bigint AS units` : Prisma.sql`SUM(o.units)::bigint AS units`,
    customerCount: grouping === 'customer' ? Prisma.sql`1::bigint AS customer_count` : Prisma.sql`COUNT(DISTINCT o.customer_id) AS customer_count`,
    firstPlacedAt: Prisma.sql`MIN(o.placed_at) AS first_placed_at`,
    lastPlacedAt: Prisma.sql`MAX(o.placed_at) AS last_placed_at`,
  };
}

/**
 * Revenue, orders, units and customers over a period, computed where the orders are:
 * one SQL statement, whatever the number of orders, so that reports never pull rows
 * across the network to add them up. Only the measures asked for are computed.
 */
@Injectable()
export class OrdersAggregateService {
  constructor(private readonly db: OrdersDatabase) {}

  async aggregate(request: AggregateOrdersRequest): Promise<OrderAggregateEntry[]> {
    const rows = await this.db.$queryRaw<AggregateRow[]>(this.sqlOf(request));
    return rows.map((row) => ({
      key: row.key,
      currency: row.currency.trim() as Currency,
      revenueCents: toSafeNumber(row.revenue_cents, 'revenueCents'),
      ...(row.order_count !== undefined && { orderCount: toSafeNumber(row.order_count, 'orderCount') }),
      ...(row.units !== undefined && { units: toSafeNumber(row.units, 'units') }),
      ...(row.customer_count !== undefined && { customerCount: toSafeNumber(row.customer_count, 'customerCount') }),
      ...(row.first_placed_at !== undefined && { firstPlacedAt: row.first_placed_at.toISOString() }),
      ...(row.last_placed_at !== undefined && { lastPlacedAt: row.last_placed_at.toISOString() }),
    }));
  }

  private sqlOf(request: AggregateOrdersRequest): Prisma.Sql {
    const where = this.whereOf(request);
    const ranked = request.groupBy === 'customer' || request.groupBy === 'product';
    const orderBy = ranked ? Prisma.sql`revenue_cents DESC, key, currency` : Prisma.sql`key, currency`;
    const limit = request.limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${request.limit}`;
    const sql = measureSql(request.groupBy);
    const measures = Prisma.join([sql.revenueCents, ...[...new Set(request.measures ?? AGGREGATE_MEASURES)].map((measure) => sql[measure])]);
    if (request.groupBy === 'product') {
      return Prisma.sql`
        SELECT l.product_id AS key, o.currency, ${measures}
        FROM orders o JOIN order_lines l ON l.order_id = o.id
        ${where}
        GROUP BY l.product_id, o.currency
        ORDER BY ${orderBy} ${limit}`;
    }
    return Prisma.sql`
      SELECT ${KEY_OF_ORDER[request.groupBy]} AS key, o.currency, ${measures}
      FROM orders o
      ${where}
      GROUP BY 1, 2
      ORDER BY ${orderBy} ${limit}`;
  }

  private whereOf(request: AggregateOrdersRequest): Prisma.Sql {
    const period = periodOrThrow(request.placedFrom, request.placedTo, { from: 'placedFrom', to: 'placedTo' });
    const conditions = [
      period.gte && Prisma.sql`o.placed_at >= ${period.gte}`,
      period.lt && Prisma.sql`o.placed_at < ${period.lt}`,
      // Cast to the enum, not the column to text: the planner then estimates the rows right.
      request.statuses && Prisma.sql`o.status = ANY(${request.statuses}::text[]::"OrderStatus"[])`,
      request.customerIds && Prisma.sql`o.customer_id = ANY(${request.customerIds}::text[])`,
    ].filter((condition): condition is Prisma.Sql => Boolean(condition));
    return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  }
}
