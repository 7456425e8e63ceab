import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTED_ORDER_STATUSES, compareCategorySales } from '@tributary/contracts';
import { TEST_DATA } from '@tributary/testing';
import { loadRates as loadRatesOf, roundHalfEven, scaled, utcDay } from './support/exchange-rates.js';
import { graphql, startSystem, type ReportingUnderTest, type SystemUnderTest } from './support/system-under-test.js';

const loadRates = () => loadRatesOf(system.orders.db);

/**
 * Reports in one currency: every amount converted at its order's day rate, rounded half
 * to even, then summed. The expected figures are computed here, independently, from the
 * services' rows and rates with exact integer arithmetic; live and store must both give
 * them to the cent.
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

interface SourceOrder {
  id: string;
  customer_id: string;
  placed_at: Date;
  currency: string;
  total_cents: string;
}

async function ordersOf(from: string, to: string): Promise<SourceOrder[]> {
  return system.orders.db.$queryRawUnsafe<SourceOrder[]>(
    `SELECT id, customer_id, placed_at, currency, total_cents::text FROM orders WHERE placed_at >= $1::timestamptz AND placed_at < $2::timestamptz AND status::text = ANY($3::text[])`,
    from,
    to,
    [...COUNTED_ORDER_STATUSES],
  );
}

function sumBy<T>(items: T[], keyOf: (item: T) => string, amountOf: (item: T) => bigint): Map<string, bigint> {
  const sums = new Map<string, bigint>();
  for (const item of items) sums.set(keyOf(item), (sums.get(keyOf(item)) ?? 0n) + amountOf(item));
  return sums;
}

async function expectedInEur(from: string, to: string) {
  const rates = await loadRates();
  const orders = await ordersOf(from, to);
  const inEur = (order: SourceOrder) => rates.convert(BigInt(order.total_cents), order.currency, order.placed_at, 'EUR');
  const month = (order: SourceOrder) => order.placed_at.toISOString().slice(0, 7);
  const revenueByMonth = sumBy(orders, month, inEur);
  const salesByMonth = [...revenueByMonth.keys()].sort().map((m) => {
    const ofMonth = orders.filter((order) => month(order) === m);
    return { month: m, currency: 'EUR', revenueCents: Number(revenueByMonth.get(m)), orderCount: ofMonth.length, customerCount: new Set(ofMonth.map((o) => o.customer_id)).size, rateSource: 'demo' };
  });
  const revenueByCustomer = sumBy(orders, (order) => order.customer_id, inEur);
  const topCustomers = [...revenueByCustomer.entries()]
    .sort(([a, x], [b, y]) => (y > x ? 1 : y < x ? -1 : a.localeCompare(b)))
    .slice(0, 1000)
    .map(([customerId, revenue]) => ({ customer: { id: customerId }, currency: 'EUR', revenueCents: Number(revenue), rateSource: 'demo' }));
  const lines = await system.orders.db.$queryRawUnsafe<Array<{ product_id: string; quantity: number; unit_price_cents: number; placed_at: Date; currency: string }>>(
    `SELECT l.product_id, l.quantity, l.unit_price_cents, o.placed_at, o.currency FROM order_lines l JOIN orders o ON o.id = l.order_id
     WHERE o.placed_at >= $1::timestamptz AND o.placed_at < $2::timestamptz AND o.status::text = ANY($3::text[])`,
    from,
    to,
    [...COUNTED_ORDER_STATUSES],
  );
  const products = await system.catalog.db.$queryRawUnsafe<Array<{ id: string; category: string }>>(`SELECT id, category FROM products`);
  const categoryOf = new Map(products.map((p) => [p.id, p.category]));
  // Each line converted on its own, then summed.
  const revenueByCategory = sumBy(lines, (line) => categoryOf.get(line.product_id)!, (line) => rates.convert(BigInt(line.quantity) * BigInt(line.unit_price_cents), line.currency, line.placed_at, 'EUR'));
  const unitsByCategory = sumBy(lines, (line) => categoryOf.get(line.product_id)!, (line) => BigInt(line.quantity));
  const salesByCategory = [...revenueByCategory.entries()]
    .map(([category, revenue]) => ({ category, month: null, currency: 'EUR', revenueCents: Number(revenue), units: Number(unitsByCategory.get(category)), rateSource: 'demo' }))
    .sort(compareCategorySales);
  return { orders, rates, salesByMonth, topCustomers, salesByCategory };
}

// ---- the reports ---------------------------------------------------------------------

const IN_EUR = `query($from: DateTime!, $to: DateTime!, $source: ReportSource!) {
  reports {
    salesByMonth(from: $from, to: $to, source: $source, currency: EUR) { month currency revenueCents orderCount customerCount rateSource }
    topCustomers(from: $from, to: $to, source: $source, currency: EUR, limit: 1000) { customer { id } currency revenueCents rateSource }
    salesByCategory(from: $from, to: $to, source: $source, currency: EUR) { category month currency revenueCents units rateSource }
  } }`;

const PERIODS = [
  { name: 'one month', from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z' },
  { name: 'one year', from: '2025-11-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z' },
  // Friday to Tuesday: the orders of Saturday and Sunday use Friday's rate.
  { name: 'across a weekend without rates', from: '2026-05-29T00:00:00.000Z', to: '2026-06-02T00:00:00.000Z', weekend: ['2026-05-30', '2026-05-31'] },
];

describe.each(PERIODS)('reports in EUR over orders in EUR, USD and GBP: $name', ({ from, to, weekend }) => {
  it('equal an independent computation from the rows and the rates, live and from the store', async () => {
    const expected = await expectedInEur(from, to);
    // The case is the one asked for: orders in all three currencies, and customers with orders in more than one.
    expect(new Set(expected.orders.map((order) => order.currency))).toEqual(new Set(['EUR', 'USD', 'GBP']));
    if (weekend) {
      for (const currency of ['USD', 'GBP']) expect(weekend.filter((day) => expected.rates.days(currency).has(day))).toEqual([]);
      expect(expected.orders.filter((order) => weekend.includes(utcDay(order.placed_at))).length).toBeGreaterThan(0);
    }
    for (const source of ['LIVE', 'REPORTING']) {
      const response = await graphql(system.gateway, IN_EUR, { from, to, source });
      expect(response.body.errors).toBeUndefined();
      const { salesByMonth, topCustomers, salesByCategory } = response.body.data.reports;
      expect({ source, salesByMonth }).toEqual({ source, salesByMonth: expected.salesByMonth });
      expect({ source, topCustomers }).toEqual({ source, topCustomers: expected.topCustomers });
      expect({ source, salesByCategory }).toEqual({ source, salesByCategory: expected.salesByCategory });
    }
  });
});

it('the demo data has customers who buy in more than one currency', async () => {
  const [row] = await system.orders.db.$queryRawUnsafe<Array<{ customers: number }>>(
    `SELECT count(*)::int AS customers FROM (SELECT customer_id FROM orders GROUP BY customer_id HAVING count(DISTINCT currency) > 1) mixed`,
  );
  expect(row!.customers).toBeGreaterThan(10);
});

describe('ranking: where raw cents and converted revenue disagree', () => {
  // A day after the demo data: these orders are the only ones, at the latest rates.
  const from = '2026-12-10T00:00:00.000Z';
  const to = '2026-12-11T00:00:00.000Z';
  let ids: { euro: string; dollar: string; smallDollar: string };
  let converted: bigint;

  beforeAll(async () => {
    const customers = await system.customers.db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM customers ORDER BY id LIMIT 3`);
    ids = { euro: customers[0]!.id, dollar: customers[1]!.id, smallDollar: customers[2]!.id };
    const rates = await loadRates();
    const usd = scaled(rates.on('USD', '2026-12-10'));
    // Just under 1,600,000 EUR cents once converted, and more than that in raw cents.
    const dollarCents = (1_600_000n * usd) / scaled('1') - 1_000n;
    converted = roundHalfEven(dollarCents * scaled('1'), usd);
    expect(dollarCents).toBeGreaterThan(1_600_000n);
    expect(converted).toBeLessThan(1_600_000n);
    const place = async (id: string, customerId: string, currency: string, cents: bigint) => {
      await system.orders.db.$queryRawUnsafe(
        `INSERT INTO orders (id, customer_id, placed_at, status, currency, total_cents, units) VALUES ($1, $2, '2026-12-10T12:00:00Z', 'PAID', $3, $4::bigint, 1)`,
        id,
        customerId,
        currency,
        cents.toString(),
      );
      await system.orders.db.$queryRawUnsafe(`INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents) VALUES ($1, 1, 'ranking-product', 1, $2)`, id, Number(cents));
    };
    await place('ranking-euro', ids.euro, 'EUR', 1_600_000n);
    await place('ranking-dollar', ids.dollar, 'USD', dollarCents);
    await place('ranking-small-dollar', ids.smallDollar, 'USD', 1_000n);
    await reporting.pumpAll();
  });

  const top = (currency: string | null, limit: number, source: string) =>
    graphql(
      system.gateway,
      `query($source: ReportSource!, $currency: Currency, $limit: Int) { reports { topCustomers(from: "${from}", to: "${to}", source: $source, currency: $currency, limit: $limit) { customer { id } currency revenueCents } } }`,
      { source, currency, limit },
    );

  it.each(['LIVE', 'REPORTING'])('with currency: by converted revenue, the euro customer first (%s)', async (source) => {
    const response = await top('EUR', 10, source);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.reports.topCustomers).toEqual([
      { customer: { id: ids.euro }, currency: 'EUR', revenueCents: 1_600_000 },
      { customer: { id: ids.dollar }, currency: 'EUR', revenueCents: Number(converted) },
      { customer: { id: ids.smallDollar }, currency: 'EUR', revenueCents: Number(roundHalfEven(1_000n * scaled('1'), scaled((await loadRates()).on('USD', '2026-12-10')))) },
    ]);
  });

  it.each(['LIVE', 'REPORTING'])('without it: within each currency, never across; the limit counts per currency (%s)', async (source) => {
    const response = await top(null, 1, source);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.reports.topCustomers).toEqual([
      { customer: { id: ids.euro }, currency: 'EUR', revenueCents: 1_600_000 },
      { customer: { id: ids.dollar }, currency: 'USD', revenueCents: expect.any(Number) },
    ]);
    const all = await top(null, 10, source);
    expect(all.body.data.reports.topCustomers.map((row: { customer: { id: string } }) => row.customer.id)).toEqual([ids.euro, ids.dollar, ids.smallDollar]);
  });
});

describe('missing rates', () => {
  const salesInEur = (source: string, currency: string, from: string, to: string) =>
    graphql(system.gateway, `query($source: ReportSource!) { reports { salesByMonth(from: "${from}", to: "${to}", source: $source, currency: ${currency}) { month revenueCents } } }`, { source });

  const expectRefused = (response: Awaited<ReturnType<typeof salesInEur>>, message: string) => {
    expect(response.body.data.reports).toBeNull();
    expect(response.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining(message), extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
  };

  it('a day of the period that no rate covers: BAD_USER_INPUT naming the currency and the day, not a sum without those orders', async () => {
    // USD rates from March 2025 only: January's USD orders cannot be converted.
    await system.orders.db.$queryRawUnsafe(`DELETE FROM rates WHERE currency = 'USD' AND date < '2025-03-01'`);
    await reporting.service.db.$queryRawUnsafe(`DELETE FROM reporting_store.rates WHERE currency = 'USD' AND date < '2025-03-01'`);
    for (const source of ['LIVE', 'REPORTING']) expectRefused(await salesInEur(source, 'EUR', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'), 'no USD rate on or before 2025-01-01');
  });

  it('a currency without any rate: BAD_USER_INPUT naming it', async () => {
    await system.orders.db.$queryRawUnsafe(`DELETE FROM rates WHERE currency = 'GBP'`);
    await reporting.service.db.$queryRawUnsafe(`DELETE FROM reporting_store.rates WHERE currency = 'GBP'`);
    for (const source of ['LIVE', 'REPORTING']) expectRefused(await salesInEur(source, 'GBP', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z'), 'no GBP rates at all');
  });

  it('a currency that is not one of the orders\' is refused by the schema, naming it', async () => {
    const response = await salesInEur('LIVE', 'CHF', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00Z');
    expect(response.body.errors?.[0]?.message).toMatch(/CHF/);
  });
});
