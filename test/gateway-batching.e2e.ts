import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRates } from './support/exchange-rates.js';
import { graphql, startSystem, type SystemUnderTest } from './support/system-under-test.js';
import { TEST_DATA, type TestDatabase } from '@tributary/testing';
import { EXAMPLE_TABS, FOLLOW_PLACEMENT_TAB, PLACE_ORDER_TAB } from '../apps/gateway/src/playground/example-queries.js';

let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem(TEST_DATA);
});

afterAll(async () => {
  await system?.close();
});

const ORDERS_WITH_CUSTOMERS_AND_PRODUCTS = `
  query OrdersWithCustomersAndProducts($first: Int!) {
    orders(first: $first) {
      edges { node { id customerId customer { id name } lines { productId quantity product { id title category } } } }
      pageInfo { hasNextPage }
    }
  }`;

function resetCounts() {
  for (const service of [system.customers, system.orders, system.catalog]) {
    service.requests.count = 0;
    service.requests.paths.length = 0;
  }
}

describe('the collapse: per-item lookups become one bulk call per service', () => {
  it('one mask per service for the whole document: a customer selected in two places, through a fragment, has every field either place reads', async () => {
    const first = await graphql(system.gateway, '{ orders(first: 1) { edges { node { customerId } } } }');
    const customerId = first.body.data.orders.edges[0].node.customerId;
    const response = await graphql(
      system.gateway,
      `query Both($id: ID!) {
        orders(first: 20) { edges { node { customer { ...Naming } } } }
        customer(id: $id) { id email country }
      }
      fragment Naming on Customer { name }`,
      { id: customerId },
    );
    expect(response.body.errors).toBeUndefined();
    const stored = (await (await import('supertest')).default(system.customers.http).get(`/v1/customers/${customerId}`).expect(200)).body;
    expect(response.body.data.customer).toEqual({ id: customerId, email: stored.email, country: stored.country });
    expect(response.body.data.orders.edges[0].node.customer).toEqual({ name: stored.name });
  });

  it('500 orders with their customers and products make one batchGet to customers and one to catalog', async () => {
    resetCounts();
    const response = await graphql(system.gateway, ORDERS_WITH_CUSTOMERS_AND_PRODUCTS, { first: 500 });
    expect(response.status).toBe(200);
    expect(response.body.errors).toBeUndefined();
    const edges = response.body.data.orders.edges;
    expect(edges).toHaveLength(500);
    for (const { node } of edges) {
      expect(node.customer.id).toBe(node.customerId);
      for (const line of node.lines) expect(line.product.id).toBe(line.productId);
    }
    const distinctCustomers = new Set(edges.map((e: { node: { customerId: string } }) => e.node.customerId)).size;
    const distinctProducts = new Set(edges.flatMap((e: { node: { lines: Array<{ productId: string }> } }) => e.node.lines.map((l) => l.productId))).size;
    expect(response.body.extensions.downstream).toEqual({
      customers: { calls: 1, keys: distinctCustomers },
      orders: { calls: 1, keys: 0 },
      catalog: { calls: 1, keys: distinctProducts },
    });
    // The services' own counts agree with what the gateway reports.
    expect(system.customers.requests.paths).toEqual(['POST /v1/customers:batchGet']);
    expect(system.catalog.requests.paths).toEqual(['POST /v1/products:batchGet']);
    // Each service is asked for the fields the document reads (AIP-157 read masks), and the relations' keys.
    expect(system.orders.requests.paths).toEqual([`GET /v1/orders?pageSize=500&readMask=${encodeURIComponent('id,customerId,lines.productId,lines.quantity')}`]);
    for (const { node } of edges) expect(Object.keys(node.customer).sort()).toEqual(['id', 'name']);
  });

  it('with batching off, the same query makes one call per distinct key and returns the same data', async () => {
    // One call per key is slow by nature, the more so on a loaded machine: give it room
    // rather than time it out (a timed-out call is sent again, and opens the circuit).
    const naive = await system.startGateway({ batching: false, downstreamTimeoutMs: 60_000 });
    try {
      const batched = await graphql(system.gateway, ORDERS_WITH_CUSTOMERS_AND_PRODUCTS, { first: 200 });
      resetCounts();
      const unbatched = await graphql(naive, ORDERS_WITH_CUSTOMERS_AND_PRODUCTS, { first: 200 });
      expect(unbatched.body.errors).toBeUndefined();
      expect(unbatched.body.data).toEqual(batched.body.data);
      const edges = unbatched.body.data.orders.edges as Array<{ node: { customerId: string; lines: Array<{ productId: string }> } }>;
      const customers = new Set(edges.map((e) => e.node.customerId)).size;
      const products = new Set(edges.flatMap((e) => e.node.lines.map((l) => l.productId))).size;
      // A key repeated on the page is fetched once, batching or not; each distinct key is its own call.
      expect(products).toBeLessThan(edges.reduce((sum, e) => sum + e.node.lines.length, 0));
      expect(unbatched.body.extensions.downstream).toEqual({
        customers: { calls: customers, keys: customers },
        orders: { calls: 1, keys: 0 },
        catalog: { calls: products, keys: products },
      });
      expect(system.customers.requests.count).toBe(customers);
      expect(system.catalog.requests.count).toBe(products);
    } finally {
      await naive.close();
    }
  });

  it('a customer that does not exist gives null on the nullable field, and no error', async () => {
    const [known] = await system.customers.db.$queryRawUnsafe<Array<{ id: string }>>('SELECT id FROM customers LIMIT 1');
    const response = await graphql(system.gateway, `{ customers(ids: ["${known!.id}", "missing", "${known!.id}"]) { id } customer(id: "missing") { id } }`);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ customers: [{ id: known!.id }, null, { id: known!.id }], customer: null });
    expect(response.body.extensions.downstream.customers).toEqual({ calls: 1, keys: 2 });
  });
});

describe('loaders belong to one request', () => {
  it('two concurrent requests never share a batch: each reports only its own keys', async () => {
    const ids = (await system.customers.db.$queryRawUnsafe<Array<{ id: string }>>('SELECT id FROM customers ORDER BY id LIMIT 20')).map((r) => r.id);
    const requests = Array.from({ length: 10 }, (_, i) => ids.slice(i * 2, i * 2 + 2));
    const responses = await Promise.all(requests.map((pair) => graphql(system.gateway, `{ customers(ids: ${JSON.stringify(pair)}) { id } }`)));
    responses.forEach((response, i) => {
      expect(response.body.data.customers.map((c: { id: string }) => c.id)).toEqual(requests[i]);
      expect(response.body.extensions.downstream.customers).toEqual({ calls: 1, keys: 2 });
    });
  });

  it('a customer changed between two requests is seen fresh by the second', async () => {
    const [row] = await system.customers.db.$queryRawUnsafe<Array<{ id: string }>>('SELECT id FROM customers ORDER BY id DESC LIMIT 1');
    const query = `{ customer(id: "${row!.id}") { name } }`;
    const before = await graphql(system.gateway, query);
    const { default: request } = await import('supertest');
    await request(system.customers.http).patch(`/v1/customers/${row!.id}`).send({ name: 'Renamed Between Requests' }).expect(200);
    const after = await graphql(system.gateway, query);
    expect(before.body.data.customer.name).not.toBe('Renamed Between Requests');
    expect(after.body.data.customer.name).toBe('Renamed Between Requests');
  });
});

describe('connections', () => {
  it('walks every order exactly once with first/after, across service pages', async () => {
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      const response = await graphql(system.gateway, `query($after: String) { orders(first: 700, after: $after) { edges { cursor node { id } } pageInfo { hasNextPage endCursor } } }`, { after });
      expect(response.body.errors).toBeUndefined();
      ids.push(...response.body.data.orders.edges.map((e: { node: { id: string } }) => e.node.id));
      if (!response.body.data.orders.pageInfo.hasNextPage) break;
      after = response.body.data.orders.pageInfo.endCursor;
    }
    expect(ids).toHaveLength(TEST_DATA.orders);
    expect(new Set(ids).size).toBe(TEST_DATA.orders);
  });

  it('filters orders by status and period, as the orders service does', async () => {
    const response = await graphql(
      system.gateway,
      `{ orders(first: 1000, filter: { status: PAID, placedFrom: "2026-06-01T00:00:00Z", placedTo: "2026-11-01T00:00:00Z" }) { edges { node { id status } } pageInfo { hasNextPage } } }`,
    );
    expect(response.body.errors).toBeUndefined();
    const expected = await system.orders.db.$queryRawUnsafe<Array<{ id: string }>>(
      `SELECT id FROM orders WHERE status = 'PAID' AND placed_at >= '2026-06-01T00:00:00Z' AND placed_at < '2026-11-01T00:00:00Z' ORDER BY updated_at, id`,
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(response.body.data.orders.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(expected.map((r) => r.id));
    expect(response.body.data.orders.pageInfo.hasNextPage).toBe(false);
  });

  it("Customer.orders fetches every customer's orders in one batch call", async () => {
    const ids = (await system.orders.db.$queryRawUnsafe<Array<{ customer_id: string; n: number }>>(
      `SELECT customer_id, COUNT(*)::int AS n FROM orders WHERE placed_at >= '2026-01-01' AND placed_at < '2026-07-01' GROUP BY customer_id ORDER BY customer_id LIMIT 30`,
    ));
    // first: 100, not 1000: the cost counts the 30 ids, and 30 × 1000 orders is over the limit.
    const response = await graphql(
      system.gateway,
      `query($ids: [ID!]!) { customers(ids: $ids) { id orders(first: 100, placedFrom: "2026-01-01T00:00:00Z", placedTo: "2026-07-01T00:00:00Z") { edges { node { id placedAt } } } } }`,
      { ids: ids.map((r) => r.customer_id) },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.customers.map((c: { orders: { edges: unknown[] } }) => c.orders.edges.length)).toEqual(ids.map((r) => r.n));
    expect(response.body.extensions.downstream.orders).toEqual({ calls: 1, keys: 30 });
  });
});

describe('the playground examples', () => {
  const sql = <T>(db: TestDatabase, query: string, ...params: unknown[]) => db.$queryRawUnsafe<T[]>(query, ...params);
  const COUNTED = `status <> 'CANCELLED'`;
  /** What each tab must show on the seeded data, computed from the services' tables. */
  const EXPECTED: Record<string, () => Promise<unknown>> = {
    // Both in euros: each order converted at its day's rate (test/support/exchange-rates.ts).
    'Top customers': async () => {
      const orders = await sql<{ id: string; currency: string; total: string; placed_at: Date }>(
        system.orders.db,
        `SELECT customer_id AS id, currency, total_cents::text AS total, placed_at FROM orders WHERE ${COUNTED} AND placed_at >= '2025-11-01T00:00:00Z' AND placed_at < '2026-11-01T00:00:00Z'`,
      );
      const rates = await loadRates(system.orders.db);
      const spent = new Map<string, { revenue: bigint; orders: number }>();
      for (const order of orders) {
        const entry = spent.get(order.id) ?? { revenue: 0n, orders: 0 };
        entry.revenue += rates.convert(BigInt(order.total), order.currency.trim(), order.placed_at, 'EUR');
        entry.orders++;
        spent.set(order.id, entry);
      }
      const top = [...spent.entries()].sort(([a, x], [b, y]) => (y.revenue > x.revenue ? 1 : y.revenue < x.revenue ? -1 : a.localeCompare(b))).slice(0, 10);
      const customers = await sql<{ id: string; name: string; country: string }>(system.customers.db, 'SELECT id, name, country FROM customers WHERE id = ANY($1::text[])', top.map(([id]) => id));
      const byId = new Map(customers.map((c) => [c.id, c]));
      return {
        reports: {
          topCustomers: top.map(([id, t]) => ({ customer: { name: byId.get(id)!.name, country: byId.get(id)!.country }, revenueCents: Number(t.revenue), currency: 'EUR', rateSource: 'demo', orderCount: t.orders })),
        },
      };
    },
    'Sales by month': async () => {
      const orders = await sql<{ month: string; customer: string; currency: string; total: string; placed_at: Date }>(
        system.orders.db,
        `SELECT to_char(placed_at AT TIME ZONE 'UTC', 'YYYY-MM') AS month, customer_id AS customer, currency, total_cents::text AS total, placed_at FROM orders
         WHERE ${COUNTED} AND placed_at >= '2026-01-01T00:00:00Z' AND placed_at < '2026-07-01T00:00:00Z'`,
      );
      const rates = await loadRates(system.orders.db);
      const months = [...new Set(orders.map((o) => o.month))].sort();
      return {
        reports: {
          salesByMonth: months.map((month) => {
            const ofMonth = orders.filter((o) => o.month === month);
            const revenue = ofMonth.reduce((sum, o) => sum + rates.convert(BigInt(o.total), o.currency.trim(), o.placed_at, 'EUR'), 0n);
            return { month, currency: 'EUR', revenueCents: Number(revenue), orderCount: ofMonth.length, customerCount: new Set(ofMonth.map((o) => o.customer)).size };
          }),
        },
      };
    },
    'Sales by category': async () => {
      const lines = await sql<{ product: string; currency: string; revenue: number; units: number }>(
        system.orders.db,
        `SELECT l.product_id AS product, o.currency, SUM(l.quantity * l.unit_price_cents)::float8 AS revenue, SUM(l.quantity)::float8 AS units
         FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.${COUNTED} AND o.placed_at >= '2026-01-01T00:00:00Z' AND o.placed_at < '2026-11-01T00:00:00Z' GROUP BY 1, 2`,
      );
      const products = await sql<{ id: string; category: string }>(system.catalog.db, 'SELECT id, category FROM products');
      const categoryOf = new Map(products.map((p) => [p.id, p.category]));
      const sales = new Map<string, { category: string; currency: string; revenueCents: number; units: number }>();
      for (const line of lines) {
        const key = `${categoryOf.get(line.product)}|${line.currency.trim()}`;
        const entry = sales.get(key) ?? { category: categoryOf.get(line.product)!, currency: line.currency.trim(), revenueCents: 0, units: 0 };
        entry.revenueCents += line.revenue;
        entry.units += line.units;
        sales.set(key, entry);
      }
      return { reports: { salesByCategory: [...sales.values()].sort((a, b) => a.currency.localeCompare(b.currency) || b.revenueCents - a.revenueCents || a.category.localeCompare(b.category)) } };
    },
    'Orders with customers and products': async () => {
      const orders = await sql<{ id: string; placed_at: Date; total: number; customer_id: string }>(
        system.orders.db,
        `SELECT id, placed_at, total_cents::float8 AS total, customer_id FROM orders WHERE status = 'SHIPPED' ORDER BY updated_at, id LIMIT 101`,
      );
      const lines = await sql<{ order_id: string; quantity: number; product_id: string }>(system.orders.db, 'SELECT order_id, quantity, product_id FROM order_lines WHERE order_id = ANY($1::text[]) ORDER BY line_no', orders.map((o) => o.id));
      const names = new Map((await sql<{ id: string; name: string }>(system.customers.db, 'SELECT id, name FROM customers')).map((c) => [c.id, c.name]));
      const products = new Map((await sql<{ id: string; title: string; category: string }>(system.catalog.db, 'SELECT id, title, category FROM products')).map((p) => [p.id, p]));
      const page = orders.slice(0, 100);
      return {
        orders: {
          edges: page.map((o) => ({
            node: {
              id: o.id,
              placedAt: o.placed_at.toISOString(),
              totalCents: o.total,
              customer: { name: names.get(o.customer_id) },
              lines: lines.filter((l) => l.order_id === o.id).map((l) => ({ quantity: l.quantity, product: { title: products.get(l.product_id)!.title, category: products.get(l.product_id)!.category } })),
            },
          })),
          pageInfo: { hasNextPage: orders.length > 100, endCursor: expect.any(String) },
        },
      };
    },
  };

  // The placement tabs place an order on the demo data itself: gateway-order-placement.e2e.ts runs them.
  const PLACEMENT_TABS = [PLACE_ORDER_TAB, FOLLOW_PLACEMENT_TAB];
  const READ_TABS = EXAMPLE_TABS.filter((tab) => !PLACEMENT_TABS.includes(tab));

  it('has an expectation for every tab', () => {
    expect(READ_TABS.map((tab) => tab.title).sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(EXAMPLE_TABS).toHaveLength(READ_TABS.length + PLACEMENT_TABS.length);
  });

  it.each(READ_TABS.map((tab) => [tab.title, tab.query] as const))('%s shows exactly what the seeded tables hold', async (title, query) => {
    const response = await graphql(system.gateway, query);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual(await EXPECTED[title]!());
  });
});
