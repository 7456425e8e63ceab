import { Injectable } from '@nestjs/common';
import { periodOrThrow } from '@tributary/batch-api';
import { DomainException } from '@tributary/core';
import { dayRatesCte, dayRatesJoin, missingRateMessage, periodDays, RATE_SOURCES_SQL, ratesOrThrow, utcDayLiteral } from '@tributary/database';
import { OrdersDatabase } from '../database/orders-database.js';
import { Prisma } from '../generated/prisma/client.js';
import {
  AGGREGATE_MEASURES,
  ORDER_STATUSES,
  RATES_BASE_CURRENCY,
  type AggregateGrouping,
  type AggregateMeasure,
  type AggregateOrdersRequest,
  type Conversion,
  type Currency,
  type OrderAggregateEntry,
  type OrderStatus,
} from '@tributary/contracts';

interface AggregateRow {
  key: string | null;
  currency: string;
  revenue_cents: bigint;
  order_count?: bigint;
  units?: bigint;
  customer_count?: bigint;
  first_placed_at?: Date;
  last_placed_at?: Date;
  rate_source?: string | null;
}

/** How one statement states money: as stored, or converted at each order's day rate. */
interface Money {
  /** A `WITH` clause (the day rates) or nothing. */
  with: Prisma.Sql;
  /** Joins an order `o` to its day's rates. */
  join: Prisma.Sql;
  /** An amount of the order `o`, in the answer's currency. */
  amount: (minorUnits: Prisma.Sql) => Prisma.Sql;
  /** The answer's currency column, and what groups split by. */
  currency: Prisma.Sql;
  splitByCurrency: boolean;
  /** Extra output columns. */
  extra: Prisma.Sql;
}

const AS_STORED: Money = { with: Prisma.empty, join: Prisma.empty, amount: (minorUnits) => minorUnits, currency: Prisma.sql`o.currency`, splitByCurrency: true, extra: Prisma.empty };

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

/**
 * What a group of orders is keyed by. Months group by the truncated instant, formatted
 * once per group rather than once per row.
 */
const GROUP_OF_ORDER: Record<Exclude<AggregateGrouping, 'product'>, { group: Prisma.Sql; key: (grouped: Prisma.Sql) => Prisma.Sql }> = {
  customer: { group: Prisma.sql`o.customer_id`, key: (grouped) => grouped },
  month: { group: Prisma.sql`date_trunc('month', o.placed_at AT TIME ZONE 'UTC')`, key: (grouped) => Prisma.sql`to_char(${grouped}, 'YYYY-MM')` },
  none: { group: Prisma.sql`NULL::text`, key: (grouped) => grouped },
};

type Measure = 'revenueCents' | AggregateMeasure;

/**
 * Each measure's SQL over order lines (product groups: what their lines earned). An
 * order with two lines of one product counts once. Converted revenue converts each line.
 */
function lineMeasures(money: Money): Record<Measure, Prisma.Sql> {
  return {
    revenueCents: Prisma.sql`SUM(${money.amount(Prisma.sql`l.quantity::bigint * l.unit_price_cents`)})::bigint AS revenue_cents`,
    orderCount: Prisma.sql`COUNT(DISTINCT o.id) AS order_count`,
    units: Prisma.sql`SUM(l.quantity)::bigint AS units`,
    customerCount: Prisma.sql`COUNT(DISTINCT o.customer_id) AS customer_count`,
    firstPlacedAt: Prisma.sql`MIN(o.placed_at) AS first_placed_at`,
    lastPlacedAt: Prisma.sql`MAX(o.placed_at) AS last_placed_at`,
  };
}

/**
 * Each measure's SQL over orders, which carry their totals and units: one scan and no
 * join. `perCustomer` is the outer level of a two-level aggregate (the inner one groups
 * by customer too), which counts distinct customers by counting rows: a hash
 * aggregate, where COUNT(DISTINCT) would sort every order (spilling to disk on a year).
 */
function orderMeasures(perCustomer: boolean, grouping: AggregateGrouping, money: Money): Record<Measure, Prisma.Sql> {
  if (perCustomer) {
    return {
      revenueCents: Prisma.sql`SUM(c.revenue_cents)::bigint AS revenue_cents`,
      orderCount: Prisma.sql`SUM(c.order_count)::bigint AS order_count`,
      units: Prisma.sql`SUM(c.units)::bigint AS units`,
      customerCount: Prisma.sql`COUNT(*) AS customer_count`,
      firstPlacedAt: Prisma.sql`MIN(c.first_placed_at) AS first_placed_at`,
      lastPlacedAt: Prisma.sql`MAX(c.last_placed_at) AS last_placed_at`,
    };
  }
  return {
    revenueCents: Prisma.sql`SUM(${money.amount(Prisma.sql`o.total_cents`)})::bigint AS revenue_cents`,
    orderCount: Prisma.sql`COUNT(*) AS order_count`,
    units: Prisma.sql`SUM(o.units)::bigint AS units`,
    // A customer's group has one customer.
    customerCount: grouping === 'customer' ? Prisma.sql`1::bigint AS customer_count` : Prisma.sql`COUNT(DISTINCT o.customer_id) AS customer_count`,
    firstPlacedAt: Prisma.sql`MIN(o.placed_at) AS first_placed_at`,
    lastPlacedAt: Prisma.sql`MAX(o.placed_at) AS last_placed_at`,
  };
}

/** The inner level of a two-level aggregate: one row per (group, currency, customer). */
const perCustomerMeasures = (money: Money) =>
  Prisma.sql`SUM(${money.amount(Prisma.sql`o.total_cents`)}) AS revenue_cents, COUNT(*) AS order_count, SUM(o.units) AS units, MIN(o.placed_at) AS first_placed_at, MAX(o.placed_at) AS last_placed_at`;

/**
 * Revenue, orders, units and customers over a period, computed where the orders are:
 * one SQL statement, whatever the number of orders, so that reports never pull rows
 * across the network to add them up. Only the measures asked for are computed.
 */
@Injectable()
export class OrdersAggregateService {
  constructor(private readonly db: OrdersDatabase) {}

  async aggregate(request: AggregateOrdersRequest): Promise<{ groups: OrderAggregateEntry[]; conversion?: Conversion }> {
    const money = request.currency ? await this.converted(request, request.currency) : AS_STORED;
    let rows: AggregateRow[];
    try {
      rows = await this.db.$queryRaw<AggregateRow[]>(this.sqlOf(request, money));
    } catch (error) {
      const missingRate = missingRateMessage(error);
      if (missingRate) throw DomainException.invalidField('currency', missingRate);
      throw error;
    }
    const groups: OrderAggregateEntry[] = rows.map((row) => ({
      key: row.key,
      currency: row.currency.trim() as Currency,
      revenueCents: toSafeNumber(row.revenue_cents, 'revenueCents'),
      ...(row.order_count !== undefined && { orderCount: toSafeNumber(row.order_count, 'orderCount') }),
      ...(row.units !== undefined && { units: toSafeNumber(row.units, 'units') }),
      ...(row.customer_count !== undefined && { customerCount: toSafeNumber(row.customer_count, 'customerCount') }),
      ...(row.first_placed_at !== undefined && { firstPlacedAt: row.first_placed_at.toISOString() }),
      ...(row.last_placed_at !== undefined && { lastPlacedAt: row.last_placed_at.toISOString() }),
    }));
    if (!request.currency) return { groups };
    return { groups, conversion: { currency: request.currency, base: RATES_BASE_CURRENCY, rateSource: rows[0]?.rate_source ?? null } };
  }

  /**
   * Money converted into `currency` at each order's day rate. The days are the period's;
   * a side the request leaves open (a customer's summary over all time) is its orders'
   * first or last day, read first.
   */
  private async converted(request: AggregateOrdersRequest, currency: Currency): Promise<Money> {
    await ratesOrThrow(this.db, 'rates', currency);
    let days = request.placedFrom && request.placedTo ? periodDays(new Date(request.placedFrom), new Date(request.placedTo)) : undefined;
    if (!days) {
      const [span] = await this.db.$queryRaw<Array<{ first: Date | null; last: Date | null }>>(
        Prisma.sql`SELECT MIN(o.placed_at) AS first, MAX(o.placed_at) AS last FROM orders o ${this.whereOf(request)}`,
      );
      if (!span?.first || !span.last) return { ...AS_STORED, currency: Prisma.sql`${currency}::text`, splitByCurrency: false };
      days = { firstDay: utcDayLiteral(span.first), lastDay: utcDayLiteral(span.last) };
    }
    const cte = dayRatesCte({ ratesTable: 'rates', functions: '', currency, ...days });
    return {
      with: Prisma.raw(`WITH ${cte}`),
      join: Prisma.raw(dayRatesJoin('o')),
      amount: (minorUnits) => Prisma.sql`convert_minor_units(${minorUnits}, dr.from_rate, dr.to_rate)`,
      currency: Prisma.sql`${currency}::text`,
      splitByCurrency: false,
      extra: Prisma.raw(`, ${RATE_SOURCES_SQL} AS rate_source`),
    };
  }

  private sqlOf(request: AggregateOrdersRequest, money: Money): Prisma.Sql {
    const where = this.whereOf(request);
    const ranked = request.groupBy === 'customer' || request.groupBy === 'product';
    const wanted: Measure[] = ['revenueCents', ...new Set(request.measures ?? AGGREGATE_MEASURES)];
    const currencyGroup = money.splitByCurrency ? Prisma.sql`, o.currency` : Prisma.empty;
    let grouped: Prisma.Sql;
    if (request.groupBy === 'product') {
      const measures = lineMeasures(money);
      grouped = Prisma.sql`
        SELECT l.product_id AS key, ${money.currency} AS currency, ${Prisma.join(wanted.map((m) => measures[m]))}
        FROM orders o JOIN order_lines l ON l.order_id = o.id ${money.join}
        ${where}
        GROUP BY l.product_id${currencyGroup}`;
    } else {
      const { group, key } = GROUP_OF_ORDER[request.groupBy];
      const perCustomer = wanted.includes('customerCount') && request.groupBy !== 'customer';
      const measures = orderMeasures(perCustomer, request.groupBy, money);
      const select = Prisma.join(wanted.map((m) => measures[m]));
      grouped = perCustomer
        ? Prisma.sql`
          SELECT ${key(Prisma.sql`c.grouped`)} AS key, c.currency, ${select}
          FROM (SELECT ${group} AS grouped, ${money.currency} AS currency, o.customer_id, ${perCustomerMeasures(money)} FROM orders o ${money.join} ${where} GROUP BY 1, 2, 3) c
          GROUP BY c.grouped, c.currency`
        : Prisma.sql`
          SELECT ${key(group)} AS key, ${money.currency} AS currency, ${select}
          FROM orders o ${money.join}
          ${where}
          GROUP BY ${group}${currencyGroup}`;
    }
    // Ranked groups in one currency each rank within their currency: cents of one are never compared with another's.
    if (ranked && request.limit !== undefined && money.splitByCurrency) {
      return Prisma.sql`${money.with}
        SELECT * FROM (SELECT g.*, row_number() OVER (PARTITION BY g.currency ORDER BY g.revenue_cents DESC, g.key) AS rank FROM (${grouped}) g) ranked
        WHERE rank <= ${request.limit}
        ORDER BY currency, revenue_cents DESC, key`;
    }
    const orderBy = ranked ? Prisma.sql`currency, revenue_cents DESC, key` : Prisma.sql`key, currency`;
    const limit = request.limit === undefined ? Prisma.empty : Prisma.sql`LIMIT ${request.limit}`;
    return Prisma.sql`${money.with} SELECT g.*${money.extra} FROM (${grouped}) g ORDER BY ${orderBy} ${limit}`;
  }

  private whereOf(request: AggregateOrdersRequest): Prisma.Sql {
    const period = periodOrThrow(request.placedFrom, request.placedTo, { from: 'placedFrom', to: 'placedTo' });
    const conditions = [
      period.gte && Prisma.sql`o.placed_at >= ${period.gte}`,
      period.lt && Prisma.sql`o.placed_at < ${period.lt}`,
      request.statuses && statusCondition(request.statuses),
      request.customerIds && Prisma.sql`o.customer_id = ANY(${request.customerIds}::text[])`,
    ].filter((condition): condition is Prisma.Sql => Boolean(condition));
    return conditions.length ? Prisma.sql`WHERE ${Prisma.join(conditions, ' AND ')}` : Prisma.empty;
  }
}

/**
 * The statuses asked for, as the shorter of "in these" and "not in the others" (the
 * column is never null, so both say the same). Reports ask for all but CANCELLED, about
 * 95% of the rows: as `= ANY(PLACED, PAID, SHIPPED)` the planner took the (status, …)
 * index and walked most of the table through it; as `<> ALL(CANCELLED)` it scans the
 * period's range, as it should. A rare status alone still uses its index.
 *
 * The statuses are written as enum literals, not sent as a text[] parameter cast to
 * the enum: that cast runs the enum's input function, which is not immutable, so the
 * planner cannot fold it and estimated `<> ALL` at 6% of the rows instead of 95%
 * (and walked the placed_at index: 180 ms for a year of 100k orders). They come from
 * the contract's list, so nothing a client sends reaches the SQL text.
 */
export function statusCondition(statuses: readonly OrderStatus[]): Prisma.Sql {
  const wanted = new Set(statuses);
  const others = ORDER_STATUSES.filter((status) => !wanted.has(status));
  if (others.length === 0) return Prisma.sql`TRUE`;
  const literals = (list: readonly OrderStatus[]) => Prisma.raw(list.map((status) => `'${status}'::"OrderStatus"`).join(', '));
  return others.length < wanted.size ? Prisma.sql`o.status NOT IN (${literals(others)})` : Prisma.sql`o.status IN (${literals(ORDER_STATUSES.filter((status) => wanted.has(status)))})`;
}
