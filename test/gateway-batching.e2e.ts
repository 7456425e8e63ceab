import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startSystem, type SystemUnderTest } from './support/system-under-test.js';
import { TEST_DATA } from '@tributary/testing';
import { EXAMPLE_TABS } from '../apps/gateway/src/playground/example-queries.js';

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
    expect(system.orders.requests.paths).toEqual([expect.stringMatching(/^GET \/v1\/orders\?pageSize=500$/)]);
  });

  it('with batching off, the same query makes one call per key and returns the same data', async () => {
    const naive = await system.startGateway({ batching: false });
    try {
      const batched = await graphql(system.gateway, ORDERS_WITH_CUSTOMERS_AND_PRODUCTS, { first: 200 });
      resetCounts();
      const unbatched = await graphql(naive, ORDERS_WITH_CUSTOMERS_AND_PRODUCTS, { first: 200 });
      expect(unbatched.body.errors).toBeUndefined();
      expect(unbatched.body.data).toEqual(batched.body.data);
      const edges = unbatched.body.data.orders.edges as Array<{ node: { lines: unknown[] } }>;
      const lines = edges.reduce((sum, e) => sum + e.node.lines.length, 0);
      expect(unbatched.body.extensions.downstream).toEqual({
        customers: { calls: 200, keys: 200 },
        orders: { calls: 1, keys: 0 },
        catalog: { calls: lines, keys: lines },
      });
      expect(system.customers.requests.count).toBe(200);
      expect(system.catalog.requests.count).toBe(lines);
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
    const response = await graphql(
      system.gateway,
      `query($ids: [ID!]!) { customers(ids: $ids) { id orders(first: 1000, placedFrom: "2026-01-01T00:00:00Z", placedTo: "2026-07-01T00:00:00Z") { edges { node { id placedAt } } } } }`,
      { ids: ids.map((r) => r.customer_id) },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.customers.map((c: { orders: { edges: unknown[] } }) => c.orders.edges.length)).toEqual(ids.map((r) => r.n));
    expect(response.body.extensions.downstream.orders).toEqual({ calls: 1, keys: 30 });
  });
});

describe('the playground examples', () => {
  it.each(EXAMPLE_TABS.map((tab) => [tab.title, tab.query] as const))('%s runs without errors and returns data', async (_, query) => {
    const response = await graphql(system.gateway, query);
    expect(response.body.errors).toBeUndefined();
    const [root] = Object.values(response.body.data as Record<string, Record<string, unknown>>);
    expect(JSON.stringify(root)).toMatch(/\d/);
  });
});
