import { Injectable } from '@nestjs/common';
import { periodOrThrow } from '@tributary/batch-api';
import {
  COUNTED_ORDER_STATUSES,
  compareCategorySales,
  TABLES_OF_REPORT,
  UNKNOWN_CATEGORY,
  type Currency,
  type StoreReportAnswer,
  type StoreReportName,
  type StoreReportRequest,
  type StoreReportRows,
} from '@tributary/contracts';
import { assertUnreachable, DomainException } from '@tributary/core';
import { convertedAmount, dayRatesCte, dayRatesJoin, missingRateMessage, periodDays, RATE_SOURCES_SQL, ratesOrThrow } from '@tributary/database';
import { ReportingDatabase } from '../database/reporting-database.js';
import { FreshnessService } from '../freshness/freshness.service.js';

const COUNTED = [...COUNTED_ORDER_STATUSES];
const MONTH_OF = (column: string) => `to_char(date_trunc('month', ${column} AT TIME ZONE 'UTC'), 'YYYY-MM')`;

function safe(value: bigint | number, field: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw DomainException.invalidField('from', `the ${field} of a group comes to ${value}, beyond what a JSON number carries exactly: report a shorter period`);
  return number;
}

/**
 * How a statement states money over the orders aliased `o`: as stored, one row per
 * currency; or converted at each order's day rate into one currency, the same SQL as
 * the orders service's (libs/database currency-conversion), so both sources agree.
 */
interface Money {
  with: string;
  join: string;
  amount: (minorUnits: string) => string;
  currency: string;
  /** `, o.currency` where groups split by currency; empty when converted. */
  split: string;
  rateSource: string;
}

const AS_STORED: Money = { with: '', join: '', amount: (minorUnits) => minorUnits, currency: 'o.currency', split: ', o.currency', rateSource: 'NULL::text' };

function moneyOf(request: StoreReportRequest, from: Date, to: Date): Money {
  if (!request.currency) return AS_STORED;
  const cte = dayRatesCte({ ratesTable: 'reporting_v1.rates', functions: STORE_FUNCTIONS, currency: request.currency, ...periodDays(from, to) });
  return {
    with: `${cte},`,
    join: dayRatesJoin('o'),
    amount: (minorUnits) => convertedAmount(STORE_FUNCTIONS, minorUnits),
    currency: `'${request.currency}'::text`,
    split: '',
    rateSource: RATE_SOURCES_SQL,
  };
}

const STORE_FUNCTIONS = 'reporting_v1.';

/**
 * The reports, each answered by one SQL statement over the published reporting_v1
 * views, names and categories included: what live needs a call per service for, the
 * store has joined already. Each answer says how fresh its tables were.
 */
@Injectable()
export class StoreReportsService {
  constructor(
    private readonly db: ReportingDatabase,
    private readonly freshness: FreshnessService,
  ) {}

  async report<N extends StoreReportName>(name: N, request: StoreReportRequest): Promise<StoreReportAnswer<N>> {
    const period = periodOrThrow(request.from, request.to, { from: 'from', to: 'to' });
    if (!period.gte || !period.lt) throw DomainException.invalidField(period.gte ? 'to' : 'from', 'a report needs both from and to');
    // Freshness first: rows pumped while the report runs are then counted, never missed by the lag it states.
    const tables = (await this.freshness.freshness()).filter((t) => TABLES_OF_REPORT[name].includes(t.table) || (request.currency !== undefined && t.table === 'rates'));
    if (request.currency) await ratesOrThrow(this.db, 'reporting_v1.rates', request.currency);
    let rows;
    try {
      rows = await this.rowsOf(name, period.gte, period.lt, request, moneyOf(request, period.gte, period.lt));
    } catch (error) {
      const missingRate = missingRateMessage(error);
      if (missingRate) throw DomainException.invalidField('currency', missingRate);
      throw error;
    }
    const lags = tables.map((t) => t.lagSeconds);
    return { rows: rows as Array<StoreReportRows[N]>, freshness: { lagSeconds: lags.includes(null) ? null : Math.max(...(lags as number[])), tables } };
  }

  private rowsOf(name: StoreReportName, from: Date, to: Date, request: StoreReportRequest, money: Money): Promise<Array<StoreReportRows[StoreReportName]>> {
    switch (name) {
      case 'topCustomers':
        return this.topCustomers(from, to, request.limit ?? 10, money);
      case 'salesByMonth':
        return this.salesByMonth(from, to, money);
      case 'salesByCategory':
        return this.salesByCategory(from, to, request.groupBy ?? 'NONE', money);
      case 'salesByCountry':
        return this.salesByCountry(from, to, money);
      default:
        return assertUnreachable(name, 'store report');
    }
  }

  /** The top customers of each currency, or overall once converted into one: cents of two currencies are never ranked together. */
  private async topCustomers(from: Date, to: Date, limit: number, money: Money): Promise<Array<StoreReportRows['topCustomers']>> {
    const rows = await this.db.$queryRawUnsafe<
      Array<{ customer_id: string; currency: string; revenue_cents: bigint; order_count: bigint; rate_source: string | null; name: string | null; email: string; country: string; created_at: Date; updated_at: Date }>
    >(
      `WITH ${money.with} grouped AS (
         SELECT o.customer_id, ${money.currency} AS currency, SUM(${money.amount('o.total_cents')}) AS revenue_cents, COUNT(*) AS order_count
         FROM reporting_v1.orders o ${money.join} WHERE o.placed_at >= $1 AND o.placed_at < $2 AND o.status = ANY($3::text[])
         GROUP BY o.customer_id${money.split}),
       ranked AS (
         SELECT g.*, row_number() OVER (PARTITION BY g.currency ORDER BY g.revenue_cents DESC, g.customer_id) AS rank FROM grouped g)
       SELECT r.customer_id, r.currency, r.revenue_cents, r.order_count, ${money.rateSource} AS rate_source, c.name, c.email, c.country, c.created_at, c.updated_at
       FROM ranked r LEFT JOIN reporting_v1.customers c ON c.id = r.customer_id
       WHERE r.rank <= $4
       ORDER BY r.currency, r.revenue_cents DESC, r.customer_id`,
      from,
      to,
      COUNTED,
      limit,
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      currency: row.currency.trim() as Currency,
      revenueCents: safe(row.revenue_cents, 'revenueCents'),
      orderCount: safe(row.order_count, 'orderCount'),
      rateSource: row.rate_source,
      customer:
        row.name === null
          ? null
          : { id: row.customer_id, name: row.name, email: row.email, country: row.country, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() },
    }));
  }

  private async salesByMonth(from: Date, to: Date, money: Money): Promise<Array<StoreReportRows['salesByMonth']>> {
    const rows = await this.db.$queryRawUnsafe<Array<{ month: string; currency: string; revenue_cents: bigint; order_count: bigint; customer_count: bigint; rate_source: string | null }>>(
      // Two levels, as the orders service does: per customer first, then customers are counted as rows
      // (a hash aggregate, where COUNT(DISTINCT) sorts every order of the period).
      `WITH ${money.with} per_customer AS (
         SELECT date_trunc('month', o.placed_at AT TIME ZONE 'UTC') AS month, ${money.currency} AS currency, o.customer_id, SUM(${money.amount('o.total_cents')}) AS revenue_cents, COUNT(*) AS order_count
         FROM reporting_v1.orders o ${money.join} WHERE o.placed_at >= $1 AND o.placed_at < $2 AND o.status = ANY($3::text[])
         GROUP BY 1, 2, 3)
       SELECT to_char(month, 'YYYY-MM') AS month, currency, SUM(revenue_cents) AS revenue_cents, SUM(order_count) AS order_count, COUNT(*) AS customer_count, ${money.rateSource} AS rate_source
       FROM per_customer GROUP BY month, currency ORDER BY month, currency`,
      from,
      to,
      COUNTED,
    );
    return rows.map((row) => ({
      month: row.month,
      currency: row.currency.trim() as Currency,
      revenueCents: safe(row.revenue_cents, 'revenueCents'),
      orderCount: safe(row.order_count, 'orderCount'),
      customerCount: safe(row.customer_count, 'customerCount'),
      rateSource: row.rate_source,
    }));
  }

  private async salesByCategory(from: Date, to: Date, groupBy: 'NONE' | 'MONTH', money: Money): Promise<Array<StoreReportRows['salesByCategory']>> {
    const month = groupBy === 'MONTH' ? MONTH_OF('o.placed_at') : 'NULL::text';
    // Each line converted on its own (the sales view's rows are lines), as the orders service converts lines by product.
    const rows = await this.db.$queryRawUnsafe<Array<{ category: string; month: string | null; currency: string; revenue_cents: bigint; units: bigint; rate_source: string | null }>>(
      `WITH ${money.with} lines AS (
         SELECT COALESCE(o.category, $4) AS category, ${month} AS month, ${money.currency} AS currency, SUM(${money.amount('o.revenue_cents')}) AS revenue_cents, SUM(o.quantity) AS units
         FROM reporting_v1.sales o ${money.join} WHERE o.placed_at >= $1 AND o.placed_at < $2 AND o.status = ANY($3::text[])
         GROUP BY 1, 2${money.split})
       SELECT lines.*, ${money.rateSource} AS rate_source FROM lines`,
      from,
      to,
      COUNTED,
      UNKNOWN_CATEGORY,
    );
    return rows
      .map((row) => ({
        category: row.category,
        month: row.month,
        currency: row.currency.trim() as Currency,
        revenueCents: safe(row.revenue_cents, 'revenueCents'),
        units: safe(row.units, 'units'),
        rateSource: row.rate_source,
      }))
      .sort((a, b) => (a.month ?? '').localeCompare(b.month ?? '') || compareCategorySales(a, b));
  }

  private async salesByCountry(from: Date, to: Date, money: Money): Promise<Array<StoreReportRows['salesByCountry']>> {
    const rows = await this.db.$queryRawUnsafe<Array<{ country: string; currency: string; revenue_cents: bigint; order_count: bigint; customer_count: bigint; rate_source: string | null }>>(
      `WITH ${money.with} countries AS (
         SELECT COALESCE(c.country, '??') AS country, ${money.currency} AS currency, SUM(${money.amount('o.total_cents')}) AS revenue_cents, COUNT(*) AS order_count, COUNT(DISTINCT o.customer_id) AS customer_count
         FROM reporting_v1.orders o ${money.join} LEFT JOIN reporting_v1.customers c ON c.id = o.customer_id
         WHERE o.placed_at >= $1 AND o.placed_at < $2 AND o.status = ANY($3::text[])
         GROUP BY 1${money.split})
       SELECT countries.*, ${money.rateSource} AS rate_source FROM countries ORDER BY currency, revenue_cents DESC, country`,
      from,
      to,
      COUNTED,
    );
    return rows.map((row) => ({
      country: row.country,
      currency: row.currency.trim() as Currency,
      revenueCents: safe(row.revenue_cents, 'revenueCents'),
      orderCount: safe(row.order_count, 'orderCount'),
      customerCount: safe(row.customer_count, 'customerCount'),
      rateSource: row.rate_source,
    }));
  }
}
