import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startSystem, type SystemUnderTest } from './support/system-under-test.js';

// Many products, so that one request needs more than the services' 1000 keys per call.
const DATA = { customers: 300, products: 4000, orders: 6000, seed: 13, until: new Date('2026-11-01T00:00:00Z') };
let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem(DATA);
});

afterAll(async () => {
  await system?.close();
});

describe('a request with more keys than one batch call may carry', () => {
  it('splits them into calls of at most 1000 keys, and every key still gets its row', async () => {
    system.catalog.requests.count = 0;
    const response = await graphql(
      system.gateway,
      `{ reports { salesByCategory(from: "2020-01-01T00:00:00Z", to: "2030-01-01T00:00:00Z") { category currency revenueCents units } } }`,
    );
    expect(response.body.errors).toBeUndefined();
    const [sold] = await system.orders.db.$queryRawUnsafe<Array<{ n: number }>>(
      `SELECT COUNT(DISTINCT l.product_id)::int AS n FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'CANCELLED'`,
    );
    expect(sold!.n).toBeGreaterThan(2000);
    expect(response.body.extensions.downstream.catalog).toEqual({ calls: Math.ceil(sold!.n / 1000), keys: sold!.n });
    expect(system.catalog.requests.count).toBe(Math.ceil(sold!.n / 1000));
    // No product was left out: the units of all categories add up to every unit sold.
    const [units] = await system.orders.db.$queryRawUnsafe<Array<{ n: number }>>(
      `SELECT SUM(l.quantity)::int AS n FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.status <> 'CANCELLED'`,
    );
    const rows = response.body.data.reports.salesByCategory as Array<{ category: string; units: number }>;
    expect(rows.reduce((sum, row) => sum + row.units, 0)).toBe(units!.n);
    expect(rows.map((row) => row.category)).not.toContain('Unknown product');
  });
});
