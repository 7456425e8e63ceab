import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTED_ORDER_STATUSES } from '@tributary/contracts';
import { TEST_DATA } from '@tributary/testing';
import { graphql, startSystem, type ReportingUnderTest, type SystemUnderTest } from './support/system-under-test.js';

/**
 * Reports from the reporting store, through the gateway: each equals the live report
 * of the same period, costs one call to the store and none to the services, and says
 * which source served it; AUTO follows the store's freshness.
 */
let system: SystemUnderTest;
let reporting: ReportingUnderTest;

beforeAll(async () => {
  system = await startSystem(TEST_DATA, {}, { reporting: true });
  reporting = system.reporting!;
  await reporting.pumpAll();
});

afterAll(async () => {
  await system?.close();
});

const PERIODS = [
  { name: 'one month', from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
  { name: 'one year', from: '2025-11-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' },
  { name: 'partial days at both ends', from: '2025-12-15T12:00:00.000Z', to: '2026-02-10T06:30:00.000Z' },
  { name: 'empty (before any order)', from: '2020-01-01T00:00:00.000Z', to: '2020-02-01T00:00:00.000Z' },
];

const REPORTS = `query($from: DateTime!, $to: DateTime!, $source: ReportSource!, $maxStaleness: Int) {
  reports {
    topCustomers(from: $from, to: $to, limit: 25, source: $source, maxStaleness: $maxStaleness) { customer { id name country } revenueCents orderCount currency }
    salesByMonth(from: $from, to: $to, source: $source, maxStaleness: $maxStaleness) { month currency revenueCents orderCount customerCount }
    salesByCategory(from: $from, to: $to, source: $source, maxStaleness: $maxStaleness) { category month currency revenueCents units }
  } }`;

const TOP = `query($source: ReportSource!, $maxStaleness: Int) {
  reports { topCustomers(from: "2025-11-01T00:00:00Z", to: "2026-11-01T00:00:00Z", source: $source, maxStaleness: $maxStaleness) { customer { id } revenueCents } } }`;

const sourceOf = (body: { extensions?: { freshness?: Record<string, { source: string }> } }) => body.extensions?.freshness?.topCustomers?.source;

describe.each(PERIODS)('every report from the store equals the live one: $name', ({ from, to }) => {
  it('the same rows, from one call to the store and none to the services', async () => {
    const live = await graphql(system.gateway, REPORTS, { from, to, source: 'LIVE' });
    const stored = await graphql(system.gateway, REPORTS, { from, to, source: 'REPORTING' });
    expect(live.body.errors).toBeUndefined();
    expect(stored.body.errors).toBeUndefined();
    expect(stored.body.data).toEqual(live.body.data);
    expect(stored.body.extensions.downstream).toEqual({
      customers: { calls: 0, keys: 0 },
      orders: { calls: 0, keys: 0 },
      catalog: { calls: 0, keys: 0 },
      reporting: { calls: 3, keys: 0 },
    });
    for (const report of ['topCustomers', 'salesByMonth', 'salesByCategory']) {
      expect(live.body.extensions.freshness[report]).toEqual({ source: 'LIVE', lagSeconds: 0 });
      expect(stored.body.extensions.freshness[report]).toEqual({ source: 'REPORTING', lagSeconds: expect.any(Number) });
      expect(stored.body.extensions.freshness[report].lagSeconds).toBeLessThan(300);
    }
  });
});

describe('AUTO follows the freshness of the store', () => {
  it('answers from the store while it is fresh, live once it lags beyond maxStaleness, and from the store again once the pumps catch up', async () => {
    await reporting.pumpAll();
    const fresh = await graphql(system.gateway, TOP, { source: 'AUTO', maxStaleness: 60 });
    expect(sourceOf(fresh.body)).toBe('REPORTING');
    // The pumps are stopped (tests run them by hand): the lag grows past a one-second bound.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    const stale = await graphql(system.gateway, TOP, { source: 'AUTO', maxStaleness: 1 });
    expect(stale.body.errors).toBeUndefined();
    expect(stale.body.extensions.freshness.topCustomers).toEqual({ source: 'LIVE', lagSeconds: 0, reason: expect.stringMatching(/^the reporting store lags \d+\.\d s behind the services, more than maxStaleness 1 s$/) });
    expect(stale.body.data).toEqual(fresh.body.data);
    await reporting.pumpAll();
    const caughtUp = await graphql(system.gateway, TOP, { source: 'AUTO', maxStaleness: 1 });
    expect(sourceOf(caughtUp.body)).toBe('REPORTING');
  });

  it('REPORTING on a stale store is a STALE_DATA error naming the lag, at the report', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1200));
    const response = await graphql(system.gateway, TOP, { source: 'REPORTING', maxStaleness: 1 });
    expect(response.body.data).toEqual({ reports: null });
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        path: ['reports', 'topCustomers'],
        message: expect.stringMatching(/^the reporting store lags \d+\.\d s behind the services, more than maxStaleness 1 s: raise maxStaleness, or ask for source LIVE or AUTO$/),
        extensions: expect.objectContaining({ code: 'STALE_DATA', errors: [expect.objectContaining({ field: 'maxStaleness' })] }),
      }),
    ]);
  });

});

describe('reports only the store answers', () => {
  const BY_COUNTRY = `query($source: ReportSource!) {
    reports { salesByCountry(from: "2025-11-01T00:00:00Z", to: "2026-11-01T00:00:00Z", source: $source) { country currency revenueCents orderCount customerCount } } }`;

  it('salesByCountry equals the sums computed from the services’ own databases', async () => {
    await reporting.pumpAll();
    const response = await graphql(system.gateway, BY_COUNTRY, { source: 'AUTO' });
    expect(response.body.errors).toBeUndefined();
    const countries = new Map(
      (await system.customers.db.$queryRawUnsafe<Array<{ id: string; country: string }>>(`SELECT id, country FROM customers`)).map((c) => [c.id, c.country]),
    );
    const orders = await system.orders.db.$queryRawUnsafe<Array<{ customer_id: string; currency: string; total_cents: bigint }>>(
      `SELECT customer_id, currency, total_cents FROM orders WHERE placed_at >= '2025-11-01T00:00:00Z' AND placed_at < '2026-11-01T00:00:00Z' AND status::text = ANY($1::text[])`,
      [...COUNTED_ORDER_STATUSES],
    );
    const expected = new Map<string, { country: string; currency: string; revenueCents: number; orderCount: number; customers: Set<string> }>();
    for (const order of orders) {
      const country = countries.get(order.customer_id)!;
      const key = `${country}|${order.currency}`;
      const entry = expected.get(key) ?? { country, currency: order.currency, revenueCents: 0, orderCount: 0, customers: new Set<string>() };
      entry.revenueCents += Number(order.total_cents);
      entry.orderCount++;
      entry.customers.add(order.customer_id);
      expected.set(key, entry);
    }
    const rows = response.body.data.reports.salesByCountry;
    expect(rows.length).toBeGreaterThan(1);
    expect([...rows].sort((a: { country: string; currency: string }, b: { country: string; currency: string }) => `${a.country}|${a.currency}`.localeCompare(`${b.country}|${b.currency}`))).toEqual(
      [...expected.values()]
        .map(({ customers, ...row }) => ({ ...row, customerCount: customers.size }))
        .sort((a, b) => `${a.country}|${a.currency}`.localeCompare(`${b.country}|${b.currency}`)),
    );
    // Ranked within each currency, never cents of one against another's.
    type CountryRow = { country: string; currency: string; revenueCents: number };
    expect(rows).toEqual([...rows].sort((a: CountryRow, b: CountryRow) => a.currency.localeCompare(b.currency) || b.revenueCents - a.revenueCents || a.country.localeCompare(b.country)));
  });

  it('refuses source LIVE for salesByCountry, naming the argument', async () => {
    const response = await graphql(system.gateway, BY_COUNTRY, { source: 'LIVE' });
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        path: ['reports', 'salesByCountry'],
        message: 'salesByCountry is answered from the reporting store only: ask for source AUTO or REPORTING',
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', errors: [expect.objectContaining({ field: 'source' })] }),
      }),
    ]);
  });

  it('salesByCategory by month adds up to the categories of the whole period', async () => {
    const query = `query($groupBy: SalesGrouping!) { reports { salesByCategory(from: "2025-11-01T00:00:00Z", to: "2026-11-01T00:00:00Z", groupBy: $groupBy) { category month currency revenueCents units } } }`;
    const byMonth = await graphql(system.gateway, query, { groupBy: 'MONTH' });
    const whole = await graphql(system.gateway, query, { groupBy: 'NONE' });
    expect(byMonth.body.errors).toBeUndefined();
    const months = new Set(byMonth.body.data.reports.salesByCategory.map((r: { month: string }) => r.month));
    expect(months.size).toBe(12);
    const summed = new Map<string, { revenueCents: number; units: number }>();
    for (const row of byMonth.body.data.reports.salesByCategory) {
      const entry = summed.get(`${row.category}|${row.currency}`) ?? { revenueCents: 0, units: 0 };
      entry.revenueCents += row.revenueCents;
      entry.units += row.units;
      summed.set(`${row.category}|${row.currency}`, entry);
    }
    expect(Object.fromEntries(summed)).toEqual(
      Object.fromEntries(whole.body.data.reports.salesByCategory.map((r: { category: string; currency: string; revenueCents: number; units: number }) => [`${r.category}|${r.currency}`, { revenueCents: r.revenueCents, units: r.units }])),
    );
  });
});

describe('the store through the gateway and /metrics', () => {
  it('reporting { freshness reconciliation } says how fresh and how complete the store is', async () => {
    await reporting.pumpAll();
    const response = await graphql(system.gateway, `{ reporting { freshness { table lagSeconds rowsPumped } reconciliation { table countDifference matches source { count } store { count } } } }`);
    expect(response.body.errors).toBeUndefined();
    const { freshness, reconciliation } = response.body.data.reporting;
    const [{ rates }] = await system.orders.db.$queryRawUnsafe<Array<{ rates: number }>>(`SELECT count(*)::int AS rates FROM rates`);
    expect(freshness.map((t: { table: string }) => t.table)).toEqual(['customers', 'products', 'orders', 'rates']);
    for (const table of freshness) expect(table.lagSeconds).toBeLessThan(60);
    expect(reconciliation).toEqual([
      { table: 'customers', countDifference: 0, matches: true, source: { count: TEST_DATA.customers }, store: { count: TEST_DATA.customers } },
      { table: 'products', countDifference: 0, matches: true, source: { count: TEST_DATA.products }, store: { count: TEST_DATA.products } },
      { table: 'orders', countDifference: 0, matches: true, source: { count: TEST_DATA.orders }, store: { count: TEST_DATA.orders } },
      { table: 'rates', countDifference: 0, matches: true, source: { count: rates }, store: { count: rates } },
    ]);
  });

  it('/metrics has the lag and the rows pumped per table', async () => {
    const { default: request } = await import('supertest');
    const metrics = (await request(reporting.service.http).get('/metrics').expect(200)).text;
    for (const table of ['customers', 'products', 'orders']) {
      expect(metrics).toMatch(new RegExp(`^tributary_reporting_lag_seconds\\{table="${table}"\\} \\d+(\\.\\d+)?$`, 'm'));
      expect(metrics).toMatch(new RegExp(`^tributary_reporting_rows_pumped\\{table="${table}"\\} [1-9]\\d*$`, 'm'));
    }
    expect(metrics).toContain('tributary_reporting_ingest_errors_total');
  });
});

describe('a store that is down', () => {
  // Last: its failures open the gateway's circuit to the store for a while.
  it('answers live when the store is down, and REPORTING says the store is unavailable', async () => {
    await reporting.service.stop();
    try {
      const auto = await graphql(system.gateway, TOP, { source: 'AUTO' });
      expect(auto.body.errors).toBeUndefined();
      expect(auto.body.extensions.freshness.topCustomers).toEqual({ source: 'LIVE', lagSeconds: 0, reason: expect.stringMatching(/^the reporting store failed: reporting: /) });
      // The top 10 of each of the three currencies.
      expect(auto.body.data.reports.topCustomers).toHaveLength(30);
      const forced = await graphql(system.gateway, TOP, { source: 'REPORTING' });
      expect(forced.body.errors).toEqual([expect.objectContaining({ path: ['reports', 'topCustomers'], extensions: expect.objectContaining({ code: 'DOWNSTREAM_UNAVAILABLE', service: 'reporting' }) })]);
    } finally {
      await reporting.service.resume();
    }
  });
});
