/**
 * Every GraphQL operation the dashboard sends, in one module: the page imports them, and
 * the gateway's trusted documents (apps/gateway/src/limits/trusted-document-sources.ts)
 * list the same texts, so a gateway with TRUSTED_DOCUMENTS accepts the dashboard.
 * Plain strings and types only: the gateway's scripts import this file under Node.
 * After changing one, run `npm run trusted-documents` and commit the manifest.
 */

import type { Currency } from '@tributary/contracts';

/** `currency` null: each row in its orders' own currency. */
export type ReportCurrency = Currency;

export interface PeriodVariables {
  from: string;
  to: string;
  maxStaleness: number;
  currency: ReportCurrency | null;
}

const PERIOD_PARAMETERS = '$from: DateTime!, $to: DateTime!, $maxStaleness: Int!, $currency: Currency';
const PERIOD_ARGUMENTS = 'from: $from, to: $to, maxStaleness: $maxStaleness, currency: $currency';

export const REVENUE_BY_MONTH = `query DashboardRevenueByMonth(${PERIOD_PARAMETERS}) {
  reports {
    salesByMonth(${PERIOD_ARGUMENTS}) { month currency rateSource revenueCents orderCount customerCount }
  }
}`;

export const SALES_BY_CATEGORY = `query DashboardSalesByCategory(${PERIOD_PARAMETERS}) {
  reports {
    salesByCategory(${PERIOD_ARGUMENTS}) { category currency rateSource revenueCents units }
  }
}`;

/** Top customers: `limit` per currency without `currency`. */
export const TOP_CUSTOMERS = `query DashboardTopCustomers(${PERIOD_PARAMETERS}, $limit: Int!) {
  reports {
    topCustomers(${PERIOD_ARGUMENTS}, limit: $limit) { customer { id name country } currency rateSource revenueCents orderCount }
  }
}`;

/**
 * One customer: the all-time summary, and their orders in the period (Customer.orders is
 * oldest first, so the page asks for the period's first `$orders` and shows the newest).
 */
export const CUSTOMER_SUMMARY = `query DashboardCustomerSummary($id: ID!, $currency: Currency, $from: DateTime!, $to: DateTime!, $orders: Int!) {
  reports {
    customerSummary(ids: [$id], currency: $currency) {
      customer {
        id
        name
        email
        country
        orders(first: $orders, placedFrom: $from, placedTo: $to) {
          edges { node { id placedAt status currency totalCents units } }
          pageInfo { hasNextPage }
        }
      }
      currency
      rateSource
      revenueCents
      orderCount
      firstOrderAt
      lastOrderAt
    }
  }
}`;

/** The latest month with orders, for the default period: the store answers it in one statement. */
export const MONTHS_WITH_ORDERS = `query DashboardMonthsWithOrders($from: DateTime!, $to: DateTime!, $maxStaleness: Int!) {
  reports {
    salesByMonth(from: $from, to: $to, maxStaleness: $maxStaleness) { month }
  }
}`;

const EXPORT_FIELDS = `id
    done
    metadata { state dataset format rowsWritten totalRows percent cancelRequested }
    response { rows files { path location rows bytes } }
    error { code detail }`;

export const START_EXPORT = `mutation DashboardStartExport($input: StartExportInput!) {
  startExport(input: $input) {
    ${EXPORT_FIELDS}
  }
}`;

export const EXPORT_PROGRESS = `query DashboardExport($id: ID!) {
  export(id: $id) {
    ${EXPORT_FIELDS}
  }
}`;

export const CANCEL_EXPORT = `mutation DashboardCancelExport($id: ID!) {
  cancelExport(id: $id) {
    ${EXPORT_FIELDS}
  }
}`;

/** In the order the manifest lists them. */
export const DASHBOARD_DOCUMENTS: readonly string[] = [REVENUE_BY_MONTH, SALES_BY_CATEGORY, TOP_CUSTOMERS, CUSTOMER_SUMMARY, MONTHS_WITH_ORDERS, START_EXPORT, EXPORT_PROGRESS, CANCEL_EXPORT];

export interface MonthlySalesRow {
  month: string;
  currency: string;
  rateSource: string | null;
  revenueCents: number;
  orderCount: number;
  customerCount: number;
}

export interface CategorySalesRow {
  category: string;
  currency: string;
  rateSource: string | null;
  revenueCents: number;
  units: number;
}

export interface CustomerRevenueRow {
  customer: { id: string; name: string; country: string } | null;
  currency: string;
  rateSource: string | null;
  revenueCents: number;
  orderCount: number;
}

export interface CustomerOrder {
  id: string;
  placedAt: string;
  status: string;
  currency: string;
  totalCents: number;
  units: number;
}

export interface CustomerSummaryRow {
  customer: {
    id: string;
    name: string;
    email: string;
    country: string;
    orders: { edges: Array<{ node: CustomerOrder }>; pageInfo: { hasNextPage: boolean } } | null;
  };
  currency: string | null;
  rateSource: string | null;
  revenueCents: number;
  orderCount: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
}

export type ExportFormat = 'CSV' | 'XLSX' | 'PARQUET';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['CSV', 'XLSX', 'PARQUET'];

export interface StartExportInput {
  dataset: string;
  format: ExportFormat;
  columns?: string[];
  filters: { from: string; to: string; status?: string[] };
}

export interface ExportOperation {
  id: string;
  done: boolean;
  metadata: { state: 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED'; dataset: string; format: string; rowsWritten: number; totalRows: number | null; percent: number; cancelRequested: boolean };
  response: { rows: number; files: Array<{ path: string; location: string; rows: number; bytes: number }> } | null;
  error: { code: string; detail: string } | null;
}

/** Which source answered a report: `extensions.freshness.<responseKey>`. */
export interface Freshness {
  source: 'REPORTING' | 'LIVE';
  lagSeconds: number | null;
  reason?: string;
}
