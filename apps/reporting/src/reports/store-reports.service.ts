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
    const tables = (await this.freshness.freshness()).filter((t) => TABLES_OF_REPORT[name].includes(t.table));
    const rows = await this.rowsOf(name, period.gte, period.lt, request);
    const lags = tables.map((t) => t.lagSeconds);
    return { rows: rows as Array<StoreReportRows[N]>, freshness: { lagSeconds: lags.includes(null) ? null : Math.max(...(lags as number[])), tables } };
  }

  private rowsOf(name: StoreReportName, from: Date, to: Date, request: StoreReportRequest): Promise<Array<StoreReportRows[StoreReportName]>> {
    switch (name) {
      case 'topCustomers':
        return this.topCustomers(from, to, request.limit ?? 10);
      case 'salesByMonth':
        return this.salesByMonth(from, to);
      case 'salesByCategory':
        return this.salesByCategory(from, to, request.groupBy ?? 'NONE');
      case 'salesByCountry':
        return this.salesByCountry(from, to);
      default:
        return assertUnreachable(name, 'store report');
    }
  }

  private async topCustomers(from: Date, to: Date, limit: number): Promise<Array<StoreReportRows['topCustomers']>> {
    const rows = await this.db.$queryRawUnsafe<
      Array<{ customer_id: string; currency: string; revenue_cents: bigint; order_count: bigint; name: string | null; email: string; country: string; created_at: Date; updated_at: Date }>
    >(
      `WITH ranked AS (
         SELECT customer_id, currency, SUM(total_cents) AS revenue_cents, COUNT(*) AS order_count
         FROM reporting_v1.orders WHERE placed_at >= $1 AND placed_at < $2 AND status = ANY($3::text[])
         GROUP BY customer_id, currency ORDER BY revenue_cents DESC, customer_id, currency LIMIT $4)
       SELECT r.*, c.name, c.email, c.country, c.created_at, c.updated_at
       FROM ranked r LEFT JOIN reporting_v1.customers c ON c.id = r.customer_id
       ORDER BY r.revenue_cents DESC, r.customer_id, r.currency`,
      from,
      to,
      COUNTED,
      limit,
    );
    return rows.map((row) => ({
      customerId: row.customer_id,
      currency: row.currency as Currency,
      revenueCents: safe(row.revenue_cents, 'revenueCents'),
      orderCount: safe(row.order_count, 'orderCount'),
      customer:
        row.name === null
          ? null
          : { id: row.customer_id, name: row.name, email: row.email, country: row.country, createdAt: row.created_at.toISOString(), updatedAt: row.updated_at.toISOString() },
    }));
  }

  private async salesByMonth(from: Date, to: Date): Promise<Array<StoreReportRows['salesByMonth']>> {
    const rows = await this.db.$queryRawUnsafe<Array<{ month: string; currency: string; revenue_cents: bigint; order_count: bigint; customer_count: bigint }>>(
      // Two levels, as the orders service does: per customer first, then customers are counted as rows
      // (a hash aggregate, where COUNT(DISTINCT) sorts every order of the period).
      `SELECT to_char(month, 'YYYY-MM') AS month, currency, SUM(revenue_cents) AS revenue_cents, SUM(order_count) AS order_count, COUNT(*) AS customer_count
       FROM (SELECT date_trunc('month', placed_at AT TIME ZONE 'UTC') AS month, currency, customer_id, SUM(total_cents) AS revenue_cents, COUNT(*) AS order_count
             FROM reporting_v1.orders WHERE placed_at >= $1 AND placed_at < $2 AND status = ANY($3::text[])
             GROUP BY 1, currency, customer_id) per_customer
       GROUP BY month, currency ORDER BY month, currency`,
      from,
      to,
      COUNTED,
    );
    return rows.map((row) => ({
      month: row.month,
      currency: row.currency as Currency,
      revenueCents: safe(row.revenue_cents, 'revenueCents'),
      orderCount: safe(row.order_count, 'orderCount'),
      customerCount: safe(row.customer_count, 'customerCount'),
    }));
  }

  private async salesByCategory(from: Date, to: Date, groupBy: 'NONE' | 'MONTH'): Promise<Array<StoreReportRows['salesByCategory']>> {
    const month = groupBy === 'MONTH' ? MONTH_OF('placed_at') : 'NULL::text';
    const rows = await this.db.$queryRawUnsafe<Array<{ category: string; month: string | null; currency: string; revenue_cents: bigint; units: bigint }>>(
      `SELECT COALESCE(category, $4) AS category, ${month} AS month, currency, SUM(revenue_cents) AS revenue_cents, SUM(quantity) AS units
       FROM reporting_v1.sales WHERE placed_at >= $1 AND placed_at < $2 AND status = ANY($3::text[])
       GROUP BY 1, 2, currency`,
      from,
      to,
      COUNTED,
      UNKNOWN_CATEGORY,
    );
    return rows
      .map((row) => ({ category: row.category, month: row.month, currency: row.currency as Currency, revenueCents: safe(row.revenue_cents, 'revenueCents'), units: safe(row.units, 'units') }))
      .sort((a, b) => (a.month ?? '').localeCompare(b.month ?? '') || compareCategorySales(a, b));
  }

  private async salesByCountry(from: Date, to: Date): Promise<Array<StoreReportRows['salesByCountry']>> {
    const rows = await this.db.$queryRawUnsafe<Array<{ country: string; currency: string; revenue_cents: bigint; order_count: bigint; customer_count: bigint }>>(
      `SELECT COALESCE(c.country, '??') AS country, o.currency, SUM(o.total_cents) AS revenue_cents, COUNT(*) AS order_count, COUNT(DISTINCT o.customer_id) AS customer_count
       FROM reporting_v1.orders o LEFT JOIN reporting_v1.customers c ON c.id = o.customer_id
       WHERE o.placed_at >= $1 AND o.placed_at < $2 AND o.status = ANY($3::text[])
       GROUP BY 1, o.currency ORDER BY revenue_cents DESC, 1, o.currency`,
      from,
      to,
      COUNTED,
    );
    return rows.map((row) => ({
      country: row.country,
      currency: row.currency as Currency,
      revenueCents: safe(row.revenue_cents, 'revenueCents'),
      orderCount: safe(row.order_count, 'orderCount'),
      customerCount: safe(row.customer_count, 'customerCount'),
    }));
  }
}
