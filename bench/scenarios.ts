import type { DataSize } from './data-sets.js';

const DAY = 24 * 60 * 60 * 1000;
/** The demo data spreads orders over the two years before `until`. */
const DATA_SPAN_DAYS = 730;

export type Variables = Record<string, unknown>;
export type ScenarioKind = 'orders' | 'report';

/**
 * One question a dashboard asks, with a fresh argument set per request (so that no
 * contender can answer from a cache or merge identical requests in flight) and a
 * normal form of the answer, so that every contender's answer can be checked against
 * the direct-SQL one.
 */
export interface Scenario {
  name: string;
  title: string;
  kind: ScenarioKind;
  /** The GraphQL document Tributary (and, unless `federation` says otherwise, the peer) receives. */
  query: string;
  /** What the Federation peer receives instead, and how its answer becomes ours. */
  federation?: { query: string; toAnswer(data: unknown): unknown };
  variables(random: () => number, size: DataSize, until: Date): Variables;
  normalize(data: unknown): unknown;
}

/** A small, fast, seedable generator (mulberry32): the same argument sequence for every contender. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** [from, from + days) starting on a random day within the data's two years. */
function randomPeriod(random: () => number, until: Date, days: number): { from: string; to: string } {
  const first = until.getTime() - DATA_SPAN_DAYS * DAY;
  const startDay = Math.floor(random() * Math.max(1, DATA_SPAN_DAYS - days + 1));
  const from = new Date(first + startDay * DAY);
  return { from: from.toISOString(), to: new Date(from.getTime() + days * DAY).toISOString() };
}

const byKeys =
  <T>(...keys: Array<keyof T>) =>
  (a: T, b: T) => {
    for (const key of keys) {
      if (a[key] < b[key]) return -1;
      if (a[key] > b[key]) return 1;
    }
    return 0;
  };

interface OrderNode {
  placedAt: string;
  [field: string]: unknown;
}
interface OrdersData {
  orders: { edges: Array<{ node: OrderNode }>; pageInfo: { hasNextPage: boolean } };
}

const ORDERS_PAGE = 1000;

const ordersWithCustomersAndProducts: Scenario = {
  name: 'orders-1000',
  title: '(a) orders(first: 1000) with customers and products',
  kind: 'orders',
  query: `query OrdersWithCustomersAndProducts($first: Int!, $from: DateTime!, $to: DateTime!) {
  orders(first: $first, filter: { placedFrom: $from, placedTo: $to }) {
    edges { node { id placedAt status currency totalCents
      customer { id name email country }
      lines { lineNo quantity unitPriceCents product { id sku title category } } } }
    pageInfo { hasNextPage endCursor }
  }
}`,
  variables(random, size, until) {
    // A window holding about two pages, so that every data size answers a full page.
    const ordersPerDay = size.orders / DATA_SPAN_DAYS;
    const days = Math.min(DATA_SPAN_DAYS, Math.max(7, Math.ceil((2 * ORDERS_PAGE) / Math.max(ordersPerDay, 1e-9))));
    return { first: ORDERS_PAGE, ...randomPeriod(random, until, days) };
  },
  normalize(data) {
    const { orders } = data as OrdersData;
    return {
      hasNextPage: orders.pageInfo.hasNextPage,
      orders: orders.edges.map(({ node }) => ({ ...node, placedAt: new Date(node.placedAt).toISOString() })),
    };
  },
};

interface CategoryRow {
  category: string;
  currency: string;
  revenueCents: number;
  units: number;
}
interface ProductSalesRow {
  product: { category: string } | null;
  currency: string;
  revenueCents: number;
  units: number;
}

function reportScenarios(period: 'month' | 'year', days: number): Scenario[] {
  const variables = (random: () => number, _size: DataSize, until: Date) => randomPeriod(random, until, days);
  return [
    {
      name: `topCustomers-${period}`,
      title: `(b) top 10 customers of each currency over a ${period}`,
      kind: 'report',
      query: `query TopCustomers($from: DateTime!, $to: DateTime!) {
  reports { topCustomers(from: $from, to: $to, limit: 10) { customer { id name country } currency revenueCents orderCount } }
}`,
      variables,
      normalize: (data) => (data as { reports: { topCustomers: unknown[] } }).reports.topCustomers,
    },
    {
      name: `salesByMonth-${period}`,
      title: `(b) sales by month over a ${period}`,
      kind: 'report',
      query: `query SalesByMonth($from: DateTime!, $to: DateTime!) {
  reports { salesByMonth(from: $from, to: $to) { month currency revenueCents orderCount customerCount } }
}`,
      variables,
      normalize: (data) => [...(data as { reports: { salesByMonth: Array<{ month: string; currency: string }> } }).reports.salesByMonth].sort(byKeys('month', 'currency')),
    },
    {
      name: `salesByCategory-${period}`,
      title: `(b) sales by category over a ${period}`,
      kind: 'report',
      query: `query SalesByCategory($from: DateTime!, $to: DateTime!) {
  reports { salesByCategory(from: $from, to: $to) { category currency revenueCents units } }
}`,
      // A Federation gateway cannot group by a field another subgraph owns: the client
      // asks for sales per product, each with its category, and groups them itself.
      federation: {
        query: `query SalesByProduct($from: DateTime!, $to: DateTime!) {
  reports { salesByProduct(from: $from, to: $to) { product { category } currency revenueCents units } }
}`,
        toAnswer(data) {
          const byCategory = new Map<string, CategoryRow>();
          for (const row of (data as { reports: { salesByProduct: ProductSalesRow[] } }).reports.salesByProduct) {
            const category = row.product?.category ?? 'Unknown product';
            const key = `${category}|${row.currency}`;
            const entry = byCategory.get(key) ?? { category, currency: row.currency, revenueCents: 0, units: 0 };
            entry.revenueCents += row.revenueCents;
            entry.units += row.units;
            byCategory.set(key, entry);
          }
          return { reports: { salesByCategory: [...byCategory.values()] } };
        },
      },
      variables,
      normalize: (data) => [...(data as { reports: { salesByCategory: CategoryRow[] } }).reports.salesByCategory].sort(byKeys('category', 'currency')),
    },
  ];
}

/**
 * The independent side-by-side run's question, the same document for every contender
 * and every request, so that this benchmark's figures compare with those: the first
 * 1000 orders in (updatedAt, id) order with their customers and lines' products. It
 * is the one scenario whose requests are alike: a contender that merged identical
 * requests in flight would gain here, and only here.
 */
export const CALIBRATION_QUERY = '{ orders(first: 1000) { edges { node { id placedAt customer { id name } lines { quantity product { id title } } } } } }';

const calibration: Scenario = {
  name: 'calibration',
  title: '(0) calibration: the first 1000 orders with customers and products',
  kind: 'orders',
  query: CALIBRATION_QUERY,
  variables: () => ({}),
  normalize(data) {
    return (data as OrdersData).orders.edges.map(({ node }) => ({ ...node, placedAt: new Date(node.placedAt).toISOString() }));
  },
};

/** The calibration, scenario (a) and the (b) reports over a month and over a year, in the order they are reported. */
export const SCENARIOS: readonly Scenario[] = [calibration, ordersWithCustomersAndProducts, ...reportScenarios('month', 30), ...reportScenarios('year', 365)];

/** Measured under concurrent load as well as sequentially (the independent run's req/s @16 questions). */
export const LOADED_SCENARIOS: readonly string[] = ['calibration', 'topCustomers-year'];

/** Measured at every data size, for the scaling chart. */
export const SCALING_SCENARIOS: readonly string[] = ['orders-1000', 'topCustomers-year', 'salesByCategory-year'];

/** The naive gateway's scenarios: where one call per key shows, and where it does not (a report of ten customers). */
export const NAIVE_SCENARIOS: readonly string[] = SCALING_SCENARIOS;

/** The dashboard mix: how often each scenario is asked, relative to the others. */
export const DASHBOARD_WEIGHTS: Readonly<Record<string, number>> = {
  'orders-1000': 2,
  'topCustomers-month': 2,
  'salesByMonth-month': 1,
  'salesByCategory-month': 1,
  'topCustomers-year': 1,
  'salesByMonth-year': 1,
  'salesByCategory-year': 1,
};
