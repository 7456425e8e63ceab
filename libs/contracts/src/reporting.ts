import type { Currency, Instant } from './common.js';
import type { OrderLine, OrderStatus } from './order.js';
import type { Rate } from './rate.js';

/**
 * The rows the pumps deliver to the reporting store: what a service publishes of its
 * data, whatever its private schema looks like. `version` is the source row's
 * updatedAt: the store keeps the newest version it has seen and ignores older ones,
 * so a batch applied twice changes nothing.
 */
export interface ReportingCustomerRow {
  id: string;
  name: string;
  email: string;
  country: string;
  createdAt: Instant;
  version: Instant;
}

export interface ReportingProductRow {
  id: string;
  sku: string;
  title: string;
  category: string;
  priceCents: number;
  currency: Currency;
  version: Instant;
}

/** A line as the orders service publishes it: the same shape as on the wire. */
export type ReportingOrderLineRow = OrderLine;

/** An order travels with its lines: lines never change once an order is placed. */
export interface ReportingOrderRow {
  id: string;
  customerId: string;
  placedAt: Instant;
  status: OrderStatus;
  currency: Currency;
  totalCents: number;
  units: number;
  version: Instant;
  lines: ReportingOrderLineRow[];
}

/**
 * An exchange rate as the orders service publishes it: the Rate of the wire without
 * `rateDate` (every pumped rate is one the table holds), `updatedAt` as the version.
 * `id` is its natural key, `YYYY-MM-DD:CUR`, by which pumps page and reconciliation
 * checksums, as for every other table.
 */
export type ReportingRateRow = Omit<Rate, 'rateDate' | 'updatedAt'> & { version: Instant };

/** Each store table and the row type pumped into it. */
export interface ReportingRows {
  customers: ReportingCustomerRow;
  products: ReportingProductRow;
  orders: ReportingOrderRow;
  rates: ReportingRateRow;
}
export type ReportingTable = keyof ReportingRows;
export const REPORTING_TABLES: readonly ReportingTable[] = ['customers', 'products', 'orders', 'rates'];

/**
 * The tables whose changes also travel as domain events (the event pump). Rates change by
 * bulk load, and the batch pump alone delivers them.
 */
export type EventTable = Exclude<ReportingTable, 'rates'>;

/**
 * Where a pump is in its source table. Delivery is bounded by transaction ids, not
 * by time: a run delivers every row written by a transaction with an id in
 * [horizon, target), where target is the oldest transaction still open when the run
 * began, so a transaction that commits late is delivered by a later run whatever its
 * rows' updatedAt. `after` is the last (xid, id) delivered of an unfinished run, from
 * which a restarted pump resumes.
 */
export interface PumpCheckpoint {
  table: ReportingTable;
  /** Every transaction below this id is delivered (a decimal xid8). */
  horizon: string;
  /** The run in progress: its target horizon and the last key it delivered. */
  run?: { target: string; afterXid: string; afterId: string; watermark: Instant };
  /** Every change committed before this instant is in the store. */
  watermark: Instant | null;
  rowsPumped: number;
}

/** `POST /v1/pumps/{table}:ingest`: one page of a pump run and where it leaves the checkpoint, applied in one transaction. */
export interface PumpBatch<T extends ReportingTable = ReportingTable> {
  rows: Array<ReportingRows[T]>;
  checkpoint: Omit<PumpCheckpoint, 'table' | 'rowsPumped'>;
}

export interface PumpBatchResult {
  /** Rows whose version was newer than the store's: inserted or updated. */
  applied: number;
  /** Rows the store already had in this version or a newer one. */
  unchanged: number;
}

/** `GET /v1/freshness`: per store table, how far behind its source it is. */
export interface TableFreshness {
  table: ReportingTable;
  watermark: Instant | null;
  /** Seconds between now and the watermark; null before the first delivery. */
  lagSeconds: number | null;
  /** Rows applied since the store was created (a row updated twice counts twice). */
  rowsPumped: number;
  /** The event pump's side: what it applied, and how long events took to arrive. */
  events: EventPumpFreshness;
}

/** The event pump of one store table. */
export interface EventPumpFreshness {
  /** Events applied since the store was created. */
  applied: number;
  /** When the newest applied change was written in its service. */
  lastOccurredAt: Instant | null;
  lastAppliedAt: Instant | null;
  /** End-to-end lag, from the write in the service to the commit in the store, over the events this store applied in the last minute; null when none. */
  lag: EventLag | null;
}

export interface EventLag {
  events: number;
  lastSeconds: number;
  p50Seconds: number;
  p99Seconds: number;
}

/** `GET /v1/freshness` */
export interface StoreFreshness {
  tables: TableFreshness[];
  /** Events set aside because they could not be applied (reporting_store.dead_letters). */
  deadLetters: number;
}

/** `GET /v1/{rs}:checksum?until=`: a source's side of the reconciliation. */
export interface TableChecksum {
  /** Rows of transactions below this horizon (a decimal xid8). */
  until: string;
  count: number;
  /** Order-independent: the sum of a 64-bit hash of (id, updatedAt) over the rows, as a decimal. */
  checksum: string;
}

/** `GET /v1/reconciliation`: per table, the source's and the store's side over the same rows. */
export interface TableReconciliation {
  table: ReportingTable;
  until: string | null;
  source: { count: number; checksum: string } | null;
  store: { count: number; checksum: string };
  /** store count − source count; with equal counts and different checksums, versions differ. */
  countDifference: number | null;
  matches: boolean;
  /** Why the source side is missing. */
  error?: string;
}

/** The reports the reporting app answers from the store, each in one SQL statement over reporting_v1. */
export const STORE_REPORTS = ['topCustomers', 'salesByMonth', 'salesByCategory', 'salesByCountry'] as const;
export type StoreReportName = (typeof STORE_REPORTS)[number];

/** The store tables each report reads: its lag is the largest of theirs. */
export const TABLES_OF_REPORT: Record<StoreReportName, readonly ReportingTable[]> = {
  topCustomers: ['orders', 'customers'],
  salesByMonth: ['orders'],
  salesByCategory: ['orders', 'products'],
  salesByCountry: ['orders', 'customers'],
};

/** `POST /v1/reports/{name}`: a period (from inclusive, to exclusive). */
export interface StoreReportRequest {
  from: Instant;
  to: Instant;
  /** topCustomers: how many customers (per currency, unless converted into `currency`). */
  limit?: number;
  /** salesByCategory: one row per category, or per category and month. */
  groupBy?: 'NONE' | 'MONTH';
  /** Convert every amount into this currency (CONVERSION_RULE); rows are then not split by currency. */
  currency?: Currency;
}

/** Every report row: with `currency` asked for, where the rates came from; null when amounts are as the orders hold them. */
export interface ConvertedRow {
  rateSource: string | null;
}

export interface StoreCustomerRevenueRow extends ConvertedRow {
  customerId: string;
  currency: Currency;
  revenueCents: number;
  orderCount: number;
  /** The customer as the store has it; null when it has not arrived (or no longer exists). */
  customer: { id: string; name: string; email: string; country: string; createdAt: Instant; updatedAt: Instant } | null;
}

export interface StoreMonthlySalesRow extends ConvertedRow {
  month: string;
  currency: Currency;
  revenueCents: number;
  orderCount: number;
  customerCount: number;
}

export interface StoreCategorySalesRow extends ConvertedRow {
  category: string;
  /** YYYY-MM with groupBy MONTH, else null. */
  month: string | null;
  currency: Currency;
  revenueCents: number;
  units: number;
}

export interface StoreCountrySalesRow extends ConvertedRow {
  country: string;
  currency: Currency;
  revenueCents: number;
  orderCount: number;
  customerCount: number;
}

export interface StoreReportRows {
  topCustomers: StoreCustomerRevenueRow;
  salesByMonth: StoreMonthlySalesRow;
  salesByCategory: StoreCategorySalesRow;
  salesByCountry: StoreCountrySalesRow;
}

/** The rows, and how fresh the tables they were computed from were. */
export interface StoreReportAnswer<N extends StoreReportName = StoreReportName> {
  rows: Array<StoreReportRows[N]>;
  freshness: { lagSeconds: number | null; tables: TableFreshness[] };
}

/** The category a report gives a line whose product is unknown: deleted, or not in the store yet. */
export const UNKNOWN_CATEGORY = 'Unknown product';

/** The order of sales by category, from every source: by currency (cents of two currencies are never ranked together), then highest revenue first, then category. */
export function compareCategorySales(a: { category: string; currency: string; revenueCents: number }, b: { category: string; currency: string; revenueCents: number }): number {
  return a.currency.localeCompare(b.currency) || b.revenueCents - a.revenueCents || a.category.localeCompare(b.category);
}
