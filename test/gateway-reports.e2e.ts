import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startSystem, type SystemUnderTest } from './support/system-under-test.js';
import { TEST_DATA, type TestDatabase } from '@tributary/testing';

let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem(TEST_DATA);
});

afterAll(async () => {
  await system?.close();
});

interface Range {
  name: string;
  from: string;
  to: string;
  empty: boolean;
}

const RANGES: Range[] = [
  { name: 'one month', from: '2026-03-01T00:00:00.000Z', to: '2026-04-01T00:00:00.000Z', empty: false },
  { name: 'one year', from: '2025-11-01T00:00:00.000Z', to: '2026-11-01T00:00:00.000Z', empty: false },
  { name: 'partial days at both ends', from: '2025-12-15T12:00:00.000Z', to: '2026-02-10T06:30:00.000Z', empty: false },
  { name: 'empty (before any order)', from: '2020-01-01T00:00:00.000Z', to: '2020-02-01T00:00:00.000Z', empty: true },
];
const PARTIAL = RANGES[2]!;

const TOP_LIMIT = 10;
const MAX_BATCH = 1000;

const TOP_CUSTOMERS = `query($from: DateTime!, $to: DateTime!, $limit: Int) {
  reports { topCustomers(from: $from, to: $to, limit: $limit) { customer { id name } revenueCents orderCount currency } } }`;
const SALES_BY_MONTH = `query($from: DateTime!, $to: DateTime!) {
  reports { salesByMonth(from: $from, to: $to) { month currency revenueCents orderCount customerCount } } }`;
const SALES_BY_CATEGORY = `query($from: DateTime!, $to: DateTime!) {
  reports { salesByCategory(from: $from, to: $to) { category currency revenueCents units } } }`;
const CUSTOMER_SUMMARY = `query($ids: [ID!]!) {
  reports { customerSummary(ids: $ids) { customer { id name } currency revenueCents orderCount firstOrderAt lastOrderAt } } }`;

interface TopCustomer {
  customer: { id: string; name: string } | null;
  revenueCents: number;
  orderCount: number;
  currency: string;
}
interface MonthRow {
  month: string;
  currency: string;
  revenueCents: number;
  orderCount: number;
  customerCount: number;
}
interface CategoryRow {
  category: string;
  currency: string;
  revenueCents: number;
  units: number;
}
interface Summary {
  customer: { id: string; name: string };
  currency: string | null;
  revenueCents: number;
  orderCount: number;
  firstOrderAt: string | null;
  lastOrderAt: string | null;
}

// The expected figures are computed here, differently from the orders service: an
// order's revenue is the sum of its lines in a correlated subquery, months come from
// EXTRACT, and names and categories are joined in JS from the other two databases.
const COUNTED_IN_PERIOD = `o.status <> 'CANCELLED' AND o.placed_at >= $1::timestamptz AND o.placed_at < $2::timestamptz`;
const ORDER_REVENUE = `COALESCE((SELECT SUM(l.quantity::bigint * l.unit_price_cents) FROM order_lines l WHERE l.order_id = o.id), 0)`;

const sql = <T>(db: TestDatabase, query: string, ...params: unknown[]) => db.$queryRawUnsafe<T[]>(query, ...params);
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

async function namesOf(ids: string[]): Promise<Map<string, string>> {
  const rows = await sql<{ id: string; name: string }>(system.customers.db, 'SELECT id, name FROM customers WHERE id = ANY($1::text[])', ids);
  return new Map(rows.map((r) => [r.id, r.name]));
}

async function expectedTopCustomers({ from, to }: Range): Promise<TopCustomer[]> {
  const groups = await sql<{ customerId: string; currency: string; revenueCents: number; orderCount: number }>(
    system.orders.db,
    `SELECT o.customer_id AS "customerId", o.currency, SUM(${ORDER_REVENUE})::float8 AS "revenueCents", COUNT(*)::int AS "orderCount"
     FROM orders o WHERE ${COUNTED_IN_PERIOD} GROUP BY o.customer_id, o.currency`,
    from,
    to,
  );
  // Ranked within each currency: the top TOP_LIMIT of each, never cents of one against another's.
  const ranked = groups.map((g) => ({ ...g, currency: g.currency.trim() })).sort((a, b) => compare(a.currency, b.currency) || b.revenueCents - a.revenueCents || compare(a.customerId, b.customerId));
  const top = ranked.filter((g, index) => ranked.slice(0, index).filter((other) => other.currency === g.currency).length < TOP_LIMIT);
  const names = await namesOf(top.map((g) => g.customerId));
  return top.map((g) => ({
    customer: names.has(g.customerId) ? { id: g.customerId, name: names.get(g.customerId)! } : null,
    revenueCents: g.revenueCents,
    orderCount: g.orderCount,
    currency: g.currency,
  }));
}

const byMonth = (a: MonthRow, b: MonthRow) => compare(a.month, b.month) || compare(a.currency, b.currency);

async function expectedSalesByMonth({ from, to }: Range): Promise<MonthRow[]> {
  const rows = await sql<{ year: number; month: number; currency: string; revenueCents: number; orderCount: number; customerCount: number }>(
    system.orders.db,
    `SELECT EXTRACT(YEAR FROM o.placed_at AT TIME ZONE 'UTC')::int AS year, EXTRACT(MONTH FROM o.placed_at AT TIME ZONE 'UTC')::int AS month, o.currency,
            SUM(${ORDER_REVENUE})::float8 AS "revenueCents", COUNT(*)::int AS "orderCount", COUNT(DISTINCT o.customer_id)::int AS "customerCount"
     FROM orders o WHERE ${COUNTED_IN_PERIOD} GROUP BY 1, 2, 3`,
    from,
    to,
  );
  return rows
    .map(({ year, month, currency, ...figures }) => ({ month: `${year}-${String(month).padStart(2, '0')}`, currency: currency.trim(), ...figures }))
    .sort(byMonth);
}

const byCategory = (a: CategoryRow, b: CategoryRow) => compare(a.category, b.category) || compare(a.currency, b.currency);

async function expectedSalesByCategory({ from, to }: Range): Promise<{ rows: CategoryRow[]; distinctProducts: number }> {
  const lines = await sql<{ productId: string; currency: string; revenueCents: number; units: number }>(
    system.orders.db,
    `SELECT l.product_id AS "productId", (SELECT o.currency FROM orders o WHERE o.id = l.order_id) AS currency,
            SUM(l.quantity::bigint * l.unit_price_cents)::float8 AS "revenueCents", SUM(l.quantity)::float8 AS units
     FROM order_lines l WHERE l.order_id IN (SELECT o.id FROM orders o WHERE ${COUNTED_IN_PERIOD}) GROUP BY 1, 2`,
    from,
    to,
  );
  const productIds = [...new Set(lines.map((l) => l.productId))];
  const products = await sql<{ id: string; category: string }>(system.catalog.db, 'SELECT id, category FROM products WHERE id = ANY($1::text[])', productIds);
  // Every product sold is in the catalog, so no row falls into 'Unknown product'.
  expect(products).toHaveLength(productIds.length);
  const categoryOf = new Map(products.map((p) => [p.id, p.category]));
  const sales = new Map<string, CategoryRow>();
  for (const line of lines) {
    const category = categoryOf.get(line.productId)!;
    const currency = line.currency.trim();
    const entry = sales.get(`${category}|${currency}`) ?? { category, currency, revenueCents: 0, units: 0 };
    entry.revenueCents += line.revenueCents;
    entry.units += line.units;
    sales.set(`${category}|${currency}`, entry);
  }
  return { rows: [...sales.values()].sort(byCategory), distinctProducts: productIds.length };
}

const NO_CALLS = { calls: 0, keys: 0 };

describe('reports equal an independent SQL computation over the seeded data', () => {
  it('the partial-day range cuts through days that have counted orders on both sides of each boundary', async () => {
    const [row] = await sql<{ beforeFrom: number; afterTo: number }>(
      system.orders.db,
      `SELECT COUNT(*) FILTER (WHERE o.placed_at >= $1::timestamptz - interval '12 hours' AND o.placed_at < $1::timestamptz)::int AS "beforeFrom",
              COUNT(*) FILTER (WHERE o.placed_at >= $2::timestamptz AND o.placed_at < $2::timestamptz + interval '17 hours 30 minutes')::int AS "afterTo"
       FROM orders o WHERE o.status <> 'CANCELLED'`,
      PARTIAL.from,
      PARTIAL.to,
    );
    // Orders on the same UTC days but outside the period: a report that rounded the
    // bounds to whole days would count them.
    expect(row!.beforeFrom).toBeGreaterThan(0);
    expect(row!.afterTo).toBeGreaterThan(0);
  });

  describe.each(RANGES)('over $name [$from, $to)', (range) => {
    it(`topCustomers(limit: ${TOP_LIMIT}): the top of each currency, one call to orders and one batch to customers`, async () => {
      const expected = await expectedTopCustomers(range);
      expect(expected.length).toBe(range.empty ? 0 : 3 * TOP_LIMIT);
      const response = await graphql(system.gateway, TOP_CUSTOMERS, { from: range.from, to: range.to, limit: TOP_LIMIT });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data.reports.topCustomers).toEqual(expected);
      const customers = new Set(expected.map((row) => row.customer!.id)).size;
      expect(response.body.extensions.downstream).toEqual({
        orders: { calls: 1, keys: 0 },
        customers: range.empty ? NO_CALLS : { calls: 1, keys: customers },
        catalog: NO_CALLS,
      });
    });

    it('salesByMonth: every (month, currency) row, one call to orders and none elsewhere', async () => {
      const expected = await expectedSalesByMonth(range);
      expect(expected.length > 0).toBe(!range.empty);
      const response = await graphql(system.gateway, SALES_BY_MONTH, { from: range.from, to: range.to });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect([...(response.body.data.reports.salesByMonth as MonthRow[])].sort(byMonth)).toEqual(expected);
      expect(response.body.extensions.downstream).toEqual({ orders: { calls: 1, keys: 0 }, customers: NO_CALLS, catalog: NO_CALLS });
    });

    it('salesByCategory: every (category, currency) row from the lines, one call to orders and one catalog batch per 1000 products', async () => {
      const { rows: expected, distinctProducts } = await expectedSalesByCategory(range);
      expect(expected.length > 0).toBe(!range.empty);
      const response = await graphql(system.gateway, SALES_BY_CATEGORY, { from: range.from, to: range.to });
      expect(response.status).toBe(200);
      expect(response.body.errors).toBeUndefined();
      expect([...(response.body.data.reports.salesByCategory as CategoryRow[])].sort(byCategory)).toEqual(expected);
      expect(response.body.extensions.downstream).toEqual({
        orders: { calls: 1, keys: 0 },
        customers: NO_CALLS,
        catalog: { calls: Math.ceil(distinctProducts / MAX_BATCH), keys: distinctProducts },
      });
    });
  });

  it('customerSummary: all time, cancelled excluded, one entry per id in order, null for an unknown id', async () => {
    const busiest = await sql<{ id: string }>(
      system.orders.db,
      `SELECT customer_id AS id FROM orders WHERE status <> 'CANCELLED' GROUP BY customer_id ORDER BY COUNT(*) DESC, customer_id LIMIT 2`,
    );
    const onlyCancelled = await sql<{ id: string }>(
      system.orders.db,
      `SELECT customer_id AS id FROM orders GROUP BY customer_id HAVING bool_and(status = 'CANCELLED') ORDER BY customer_id LIMIT 1`,
    );
    const withOrders = new Set((await sql<{ id: string }>(system.orders.db, 'SELECT DISTINCT customer_id AS id FROM orders')).map((r) => r.id));
    const seeded = (await sql<{ id: string }>(system.customers.db, 'SELECT id FROM customers ORDER BY id')).map((r) => r.id);
    // A seeded customer who never ordered, or else a new one, who has no orders yet.
    let neverOrdered = seeded.find((id) => !withOrders.has(id));
    if (neverOrdered === undefined) {
      const created = await request(system.customers.http).post('/v1/customers').send({ name: 'Never Ordered', email: 'never.ordered@example.com', country: 'GB' }).expect(201);
      neverOrdered = created.body.id as string;
    }
    expect(onlyCancelled).toHaveLength(1);
    const [first, second] = busiest.map((r) => r.id) as [string, string];
    const cancelledOnly = onlyCancelled[0]!.id;
    const ids = [first, 'no-such-customer', neverOrdered, cancelledOnly, second, first];

    const groups = await sql<{ customerId: string; currency: string; revenueCents: number; orderCount: number; firstOrderAt: Date; lastOrderAt: Date }>(
      system.orders.db,
      `SELECT o.customer_id AS "customerId", o.currency, SUM(${ORDER_REVENUE})::float8 AS "revenueCents", COUNT(*)::int AS "orderCount",
              MIN(o.placed_at) AS "firstOrderAt", MAX(o.placed_at) AS "lastOrderAt"
       FROM orders o WHERE o.status <> 'CANCELLED' AND o.customer_id = ANY($1::text[]) GROUP BY o.customer_id, o.currency`,
      ids,
    );
    // Each customer orders in one currency, so no entry is an error.
    expect(new Set(groups.map((g) => g.customerId)).size).toBe(groups.length);
    const groupOf = new Map(groups.map((g) => [g.customerId, g]));
    const names = await namesOf(ids);
    const expected = ids.map((id): Summary | null => {
      if (!names.has(id)) return null;
      const group = groupOf.get(id);
      return {
        customer: { id, name: names.get(id)! },
        currency: group ? group.currency.trim() : null,
        revenueCents: group?.revenueCents ?? 0,
        orderCount: group?.orderCount ?? 0,
        firstOrderAt: group ? group.firstOrderAt.toISOString() : null,
        lastOrderAt: group ? group.lastOrderAt.toISOString() : null,
      };
    });

    const response = await graphql(system.gateway, CUSTOMER_SUMMARY, { ids });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const summaries = response.body.data.reports.customerSummary as Array<Summary | null>;
    expect(summaries).toEqual(expected);
    expect(summaries[1]).toBeNull();
    expect(summaries[0]!.orderCount).toBeGreaterThan(0);
    const noOrders = { currency: null, revenueCents: 0, orderCount: 0, firstOrderAt: null, lastOrderAt: null };
    expect(summaries[2]).toEqual({ customer: { id: neverOrdered, name: names.get(neverOrdered) }, ...noOrders });
    // Only cancelled orders: as if there were none.
    expect(summaries[3]).toEqual({ customer: { id: cancelledOnly, name: names.get(cancelledOnly) }, ...noOrders });
    expect(summaries[5]).toEqual(summaries[0]);
    const distinct = new Set(ids).size;
    expect(response.body.extensions.downstream).toEqual({ orders: { calls: 1, keys: distinct }, customers: { calls: 1, keys: distinct }, catalog: NO_CALLS });
  });
});

interface GraphQLErrorBody {
  message: string;
  extensions: { code: string; errors?: Array<{ field: string; message: string }> };
}

/** Refused: a client error, never a 500, never data. */
function expectRefused(response: { status: number; body: { data?: unknown; errors?: GraphQLErrorBody[] } }, code: string): GraphQLErrorBody {
  expect(response.status).toBeLessThan(500);
  // No data: none at all (a request error), or null at every root field (an execution error).
  expect(Object.values((response.body.data ?? {}) as Record<string, unknown>).filter((value) => value !== null)).toEqual([]);
  expect(response.body.errors).toHaveLength(1);
  const [error] = response.body.errors!;
  expect(error!.extensions.code).toBe(code);
  return error!;
}

function expectBadInput(response: Parameters<typeof expectRefused>[0], field: string) {
  const error = expectRefused(response, 'BAD_USER_INPUT');
  expect(error.extensions.errors).toEqual([{ field, message: expect.any(String) }]);
}

describe('bad report arguments give errors, never a 500 and never data', () => {
  const later = '2026-04-01T00:00:00Z';
  const earlier = '2026-03-01T00:00:00Z';

  it.each([
    ['topCustomers', TOP_CUSTOMERS],
    ['salesByMonth', SALES_BY_MONTH],
    ['salesByCategory', SALES_BY_CATEGORY],
  ])('%s with `from` after `to` is BAD_USER_INPUT naming to, and nothing is asked of the orders service', async (_name, query) => {
    const before = system.orders.requests.count;
    expectBadInput(await graphql(system.gateway, query, { from: later, to: earlier }), 'to');
    expect(system.orders.requests.count).toBe(before);
  });

  it('an empty period (`from` equal to `to`) is BAD_USER_INPUT naming to', async () => {
    expectBadInput(await graphql(system.gateway, SALES_BY_MONTH, { from: earlier, to: earlier }), 'to');
  });

  it('an invalid date literal such as 2026-13-01 is a GraphQL validation error', async () => {
    const response = await graphql(system.gateway, `{ reports { salesByMonth(from: "2026-13-01", to: "${later}") { month } } }`);
    const error = expectRefused(response, 'GRAPHQL_VALIDATION_FAILED');
    expect(error.message).toContain('2026-13-01');
  });

  it('an invalid date in a variable is BAD_USER_INPUT', async () => {
    const response = await graphql(system.gateway, SALES_BY_MONTH, { from: '2026-13-01', to: later });
    const error = expectRefused(response, 'BAD_USER_INPUT');
    expect(error.message).toContain('$from');
  });

  it.each([0, 1001])('topCustomers with limit %i is BAD_USER_INPUT naming limit', async (limit) => {
    expectBadInput(await graphql(system.gateway, TOP_CUSTOMERS, { from: earlier, to: later, limit }), 'limit');
  });

  it('customerSummary with 1001 ids is BAD_USER_INPUT naming ids', async () => {
    const ids = Array.from({ length: MAX_BATCH + 1 }, (_, i) => `customer-${i}`);
    expectBadInput(await graphql(system.gateway, CUSTOMER_SUMMARY, { ids }), 'ids');
  });
});
