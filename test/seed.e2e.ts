import { DemoDataSet, demoRateCount, type DemoDataSpec } from '@tributary/demo-data';
import { SEEDER, type Seeder } from '@tributary/service-kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogService } from '../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { type ServiceUnderTest, startService, TestDatabases } from '@tributary/testing';

const UNTIL = new Date('2026-11-01T00:00:00Z');
const DAY = 24 * 60 * 60 * 1000;
const UUID_V7 = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const everything = (data: DemoDataSet) => ({ customers: [...data.customers()], products: [...data.products()], orders: [...data.orders()] });

describe('the demo data set', () => {
  const small: DemoDataSpec = { customers: 300, products: 100, orders: 2000, seed: 7, until: UNTIL };

  it('is the same, row for row, for the same spec', () => {
    const first = everything(new DemoDataSet(small));
    const second = everything(new DemoDataSet({ ...small, until: new Date(small.until) }));
    expect(first.orders).toHaveLength(2000);
    expect(second).toEqual(first);
  });

  it('is another data set for another seed', () => {
    const first = everything(new DemoDataSet(small));
    const other = everything(new DemoDataSet({ ...small, seed: 8 }));
    const ids = new Set([...first.customers, ...first.products, ...first.orders].map((row) => row.id));
    expect([...other.customers, ...other.products, ...other.orders].filter((row) => ids.has(row.id))).toEqual([]);
    expect(other.orders.map((o) => o.totalCents)).not.toEqual(first.orders.map((o) => o.totalCents));
  });

  describe('looks like real trade', () => {
    const spec: DemoDataSpec = { customers: 2000, products: 300, orders: 20_000, seed: 42, until: UNTIL };
    let data: ReturnType<typeof everything>;
    let ordersPerCustomer: number[];

    beforeAll(() => {
      data = everything(new DemoDataSet(spec));
      const counts = new Map(data.customers.map((c) => [c.id, 0]));
      for (const order of data.orders) counts.set(order.customerId, counts.get(order.customerId)! + 1);
      ordersPerCustomer = [...counts.values()].sort((a, b) => b - a);
    });

    it('has every order placed by a customer of the set', () => {
      expect(ordersPerCustomer).toHaveLength(spec.customers);
      expect(ordersPerCustomer.reduce((sum, n) => sum + n, 0)).toBe(spec.orders);
    });

    it('concentrates orders on few customers: the busiest tenth places more than 40% of them', () => {
      const busiestTenth = ordersPerCustomer.slice(0, spec.customers / 10).reduce((sum, n) => sum + n, 0);
      expect(busiestTenth / spec.orders).toBeGreaterThan(0.4);
    });

    it('has a long tail: at least 20% of customers order once or never', () => {
      const onceOrNever = ordersPerCustomer.filter((n) => n <= 1).length;
      expect(onceOrNever / spec.customers).toBeGreaterThanOrEqual(0.2);
    });

    it('spreads orders over the two years before `until`, none after it', () => {
      const placed = data.orders.map((o) => o.placedAt.getTime());
      const twoYearsBefore = new Date(UNTIL);
      twoYearsBefore.setUTCFullYear(UNTIL.getUTCFullYear() - 2);
      const first = Math.min(...placed);
      const last = Math.max(...placed);
      expect(first).toBeGreaterThanOrEqual(twoYearsBefore.getTime());
      expect(first - twoYearsBefore.getTime()).toBeLessThan(30 * DAY);
      expect(last).toBeLessThan(UNTIL.getTime());
      expect(UNTIL.getTime() - last).toBeLessThan(30 * DAY);
    });

    it('totals every order as the sum of quantity × unit price over its lines', () => {
      const wrong = data.orders.filter((o) => o.totalCents !== o.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceCents, 0));
      expect(wrong).toEqual([]);
      expect(data.orders.every((o) => o.lines.length > 0)).toBe(true);
    });

    it('uses UUIDv7 ids, so that orders sorted by id are sorted by placedAt', () => {
      const ids = [...data.customers, ...data.products, ...data.orders].map((row) => row.id);
      expect(ids.filter((id) => !UUID_V7.test(id))).toEqual([]);
      expect(new Set(ids).size).toBe(ids.length);
      const byId = [...data.orders].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)).map((o) => o.placedAt.getTime());
      const byPlacedAt = data.orders.map((o) => o.placedAt.getTime()).sort((a, b) => a - b);
      expect(byId).toEqual(byPlacedAt);
    });
  });
});

describe('seeding the three services', () => {
  const spec: DemoDataSpec = { customers: 1500, products: 400, orders: 6000, seed: 11, until: UNTIL };
  const databases = new TestDatabases();
  let customers: ServiceUnderTest;
  let catalog: ServiceUnderTest;
  let orders: ServiceUnderTest;

  const ids = async (service: ServiceUnderTest, sql: string) => new Set((await service.db.$queryRawUnsafe<Array<{ id: string }>>(sql)).map((row) => row.id));
  const count = async (service: ServiceUnderTest, table: string) => (await service.db.$queryRawUnsafe<Array<{ n: number }>>(`SELECT COUNT(*)::int AS n FROM ${table}`))[0]!.n;
  /** Every column of every row, in key order: equal checksums mean equal tables. */
  const checksum = async (service: ServiceUnderTest, table: string, key: string) =>
    // The transaction that wrote a row (xid, the pumps' bookkeeping) is not part of its data.
    (await service.db.$queryRawUnsafe<Array<{ md5: string }>>(`SELECT md5(string_agg((to_jsonb(t) - 'xid')::text, ',' ORDER BY ${key})) AS md5 FROM ${table} t`))[0]!.md5;

  beforeAll(async () => {
    customers = await startService(customersService, databases, { data: spec });
    catalog = await startService(catalogService, databases, { data: spec });
    orders = await startService(ordersService, databases, { data: spec });
  });

  afterAll(async () => {
    for (const service of [customers, catalog, orders]) await service?.close();
    await databases.dropAll();
  });

  it('writes as many rows as the spec asks for, and every line of every order', async () => {
    const lines = [...new DemoDataSet(spec).orders()].reduce((sum, o) => sum + o.lines.length, 0);
    expect(await count(customers, 'customers')).toBe(spec.customers);
    expect(await count(catalog, 'products')).toBe(spec.products);
    expect(await count(orders, 'orders')).toBe(spec.orders);
    expect(await count(orders, 'order_lines')).toBe(lines);
  });

  it("orders only for customers of the customers service and products of the catalog, though no foreign key joins the databases", async () => {
    const customerIds = await ids(customers, 'SELECT id FROM customers');
    const productIds = await ids(catalog, 'SELECT id FROM products');
    const orderedBy = await ids(orders, 'SELECT DISTINCT customer_id AS id FROM orders');
    const ordered = await ids(orders, 'SELECT DISTINCT product_id AS id FROM order_lines');
    expect(orderedBy.size).toBeGreaterThan(spec.customers / 2);
    expect(ordered.size).toBeGreaterThan(spec.products / 2);
    expect([...orderedBy].filter((id) => !customerIds.has(id))).toEqual([]);
    expect([...ordered].filter((id) => !productIds.has(id))).toEqual([]);
  });

  it('writes the same rows again after a wipe', async () => {
    const tables = [
      { service: customers, table: 'customers', key: 'id' },
      { service: catalog, table: 'products', key: 'id' },
      { service: orders, table: 'orders', key: 'id' },
      { service: orders, table: 'order_lines', key: 'order_id, line_no' },
      { service: orders, table: 'rates', key: 'id' },
    ];
    const snapshot = () => Promise.all(tables.map(async ({ service, table, key }) => ({ table, rows: await count(service, table), checksum: await checksum(service, table, key) })));
    const before = await snapshot();
    for (const service of [customers, catalog, orders]) {
      const seeder = service.app.get<Seeder>(SEEDER);
      await seeder.wipe();
      expect(await seeder.isEmpty()).toBe(true);
      await seeder.seed(spec, () => undefined);
    }
    const after = await snapshot();
    expect(before.map((t) => t.rows)).toEqual([spec.customers, spec.products, spec.orders, expect.any(Number), demoRateCount(spec)]);
    expect(after).toEqual(before);
  });
});
