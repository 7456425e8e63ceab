import { Prisma, type PrismaClient } from '../../apps/orders/src/generated/prisma/client.js';
import type { SqlQuery } from '../sql-client.js';
import { badUserInput } from './bad-user-input.js';

/** Runs one report statement: through Prisma's $queryRaw, or the same text and values through plain SQL. */
export type RawQuery = <T>(statement: Prisma.Sql) => Promise<T[]>;

export const prismaRawQuery =
  (db: PrismaClient): RawQuery =>
  <T>(statement: Prisma.Sql) =>
    db.$queryRaw<T[]>(statement);

export const sqlRawQuery =
  (query: SqlQuery): RawQuery =>
  async <T>(statement: Prisma.Sql) =>
    (await query(statement.text, statement.values)) as T[];

const MAX_TOP = 1000;

export interface PeriodArgs {
  from: Date;
  to: Date;
}

export interface TopCustomersArgs extends PeriodArgs {
  limit?: number | null;
}

/** Sums stay exact in SQL (bigint; pg gives it as text); they reach JSON as numbers while they fit 2^53. */
function toSafeNumber(value: bigint | string, field: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new RangeError(`${field} ${value} exceeds 2^53`);
  return number;
}

/** The orders service's aggregate filter: the period, half-open, and the counted statuses. */
function whereOrThrow({ from, to }: PeriodArgs): Prisma.Sql {
  if (from >= to) throw badUserInput('to must be later than from');
  // Reports count what was sold: every status but CANCELLED, stated as the orders service does.
  return Prisma.sql`WHERE o.placed_at >= ${from} AND o.placed_at < ${to} AND o.status <> 'CANCELLED'`;
}

export async function topCustomers(queryRaw: RawQuery, { limit, ...period }: TopCustomersArgs) {
  const top = limit ?? 10;
  if (!Number.isInteger(top) || top < 1 || top > MAX_TOP) throw badUserInput(`limit must be between 1 and ${MAX_TOP}`);
  // The top of each currency, as Tributary ranks: cents of one currency are never ranked against another's.
  const rows = await queryRaw<{ customer_id: string; currency: string; revenue_cents: bigint | string; order_count: bigint | string }>(Prisma.sql`
    SELECT customer_id, currency, revenue_cents, order_count FROM (
      SELECT o.customer_id, o.currency, SUM(o.total_cents)::bigint AS revenue_cents, COUNT(*) AS order_count,
             row_number() OVER (PARTITION BY o.currency ORDER BY SUM(o.total_cents) DESC, o.customer_id) AS rank
      FROM orders o
      ${whereOrThrow(period)}
      GROUP BY 1, 2) ranked
    WHERE rank <= ${top}
    ORDER BY currency, revenue_cents DESC, customer_id`);
  return rows.map((row) => ({
    customerId: row.customer_id,
    currency: row.currency.trim(),
    revenueCents: toSafeNumber(row.revenue_cents, 'revenueCents'),
    orderCount: toSafeNumber(row.order_count, 'orderCount'),
  }));
}

export async function salesByMonth(queryRaw: RawQuery, period: PeriodArgs) {
  const rows = await queryRaw<{ month: string; currency: string; revenue_cents: bigint | string; order_count: bigint | string; customer_count: bigint | string }>(Prisma.sql`
    SELECT to_char(c.month, 'YYYY-MM') AS month, c.currency, SUM(c.revenue_cents)::bigint AS revenue_cents,
           SUM(c.order_count)::bigint AS order_count, COUNT(*) AS customer_count
    FROM (SELECT date_trunc('month', o.placed_at AT TIME ZONE 'UTC') AS month, o.currency, o.customer_id, SUM(o.total_cents) AS revenue_cents, COUNT(*) AS order_count
          FROM orders o ${whereOrThrow(period)} GROUP BY 1, 2, 3) c
    GROUP BY c.month, c.currency
    ORDER BY month, currency`);
  return rows.map((row) => ({
    month: row.month,
    currency: row.currency.trim(),
    revenueCents: toSafeNumber(row.revenue_cents, 'revenueCents'),
    orderCount: toSafeNumber(row.order_count, 'orderCount'),
    customerCount: toSafeNumber(row.customer_count, 'customerCount'),
  }));
}

/** Revenue of a product is what its lines earned, not the totals of its orders. */
export async function salesByProduct(queryRaw: RawQuery, period: PeriodArgs) {
  const rows = await queryRaw<{ product_id: string; currency: string; revenue_cents: bigint | string; units: bigint | string }>(Prisma.sql`
    SELECT l.product_id, o.currency, SUM(l.quantity::bigint * l.unit_price_cents)::bigint AS revenue_cents, SUM(l.quantity)::bigint AS units
    FROM orders o JOIN order_lines l ON l.order_id = o.id
    ${whereOrThrow(period)}
    GROUP BY l.product_id, o.currency
    ORDER BY revenue_cents DESC, product_id, currency`);
  return rows.map((row) => ({
    productId: row.product_id,
    currency: row.currency.trim(),
    revenueCents: toSafeNumber(row.revenue_cents, 'revenueCents'),
    units: toSafeNumber(row.units, 'units'),
  }));
}
