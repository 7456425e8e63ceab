import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogService } from '../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { startService, TestDatabases, type ServiceUnderTest, type TestDatabase } from '@tributary/testing';

/**
 * Every write endpoint, as a client uses it: the answer is the stored row in its wire
 * form, the row in the database is what was asked, and updatedAt moves (so that the
 * next incremental read, and the pumps, see the change).
 */
const DATA = { customers: 10, products: 10, orders: 20, seed: 8, until: new Date('2026-11-01T00:00:00Z') };
const databases = new TestDatabases();
let customers: ServiceUnderTest;
let catalog: ServiceUnderTest;
let orders: ServiceUnderTest;

beforeAll(async () => {
  customers = await startService(customersService, databases, { data: DATA });
  catalog = await startService(catalogService, databases, { data: DATA });
  orders = await startService(ordersService, databases, { data: DATA });
});

afterAll(async () => {
  for (const service of [customers, catalog, orders]) await service?.close();
  await databases.dropAll();
});

const rowOf = async <T>(db: TestDatabase, sql: string, id: string) => (await db.$queryRawUnsafe<T[]>(sql, id))[0];

/** Runs a write and gives its answer with the instants just before and after it. */
async function timed(write: () => request.Test): Promise<{ body: Record<string, unknown>; status: number; before: number; after: number }> {
  const before = Date.now();
  const response = await write();
  return { body: response.body, status: response.status, before, after: Date.now() };
}

const within = (instant: unknown, { before, after }: { before: number; after: number }) => {
  const at = Date.parse(String(instant));
  return at >= before && at <= after;
};

describe('customers', () => {
  let created: Record<string, unknown>;

  it('POST /v1/customers stores the customer, country in upper case, and answers it as stored', async () => {
    const write = await timed(() => request(customers.http).post('/v1/customers').send({ name: 'Ada Lovelace', email: 'ada@example.org', country: 'gb' }));
    expect(write.status).toBe(201);
    created = write.body;
    expect(created).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), name: 'Ada Lovelace', email: 'ada@example.org', country: 'GB', createdAt: expect.any(String), updatedAt: expect.any(String) });
    // The database stamps updatedAt as it writes the row, after the service took createdAt.
    expect(within(created.createdAt, write) && within(created.updatedAt, write)).toBe(true);
    expect(Date.parse(created.updatedAt as string)).toBeGreaterThanOrEqual(Date.parse(created.createdAt as string));
    const stored = await rowOf<{ name: string; email: string; country: string; updated_at: Date }>(customers.db, 'SELECT name, email, country, updated_at FROM customers WHERE id = $1', created.id as string);
    expect(stored).toEqual({ name: 'Ada Lovelace', email: 'ada@example.org', country: 'GB', updated_at: new Date(created.updatedAt as string) });
  });

  it('PATCH /v1/customers/{id} changes only the fields given, and moves updatedAt', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const write = await timed(() => request(customers.http).patch(`/v1/customers/${created.id}`).send({ email: 'ada.king@example.org', country: 'fr' }));
    expect(write.status).toBe(200);
    expect(write.body).toEqual({ ...created, email: 'ada.king@example.org', country: 'FR', updatedAt: expect.any(String) });
    expect(Date.parse(write.body.updatedAt as string)).toBeGreaterThan(Date.parse(created.updatedAt as string));
    expect(within(write.body.updatedAt, write)).toBe(true);
    const stored = await rowOf<{ name: string; email: string; country: string; created_at: Date; updated_at: Date }>(customers.db, 'SELECT name, email, country, created_at, updated_at FROM customers WHERE id = $1', created.id as string);
    expect(stored).toEqual({ name: 'Ada Lovelace', email: 'ada.king@example.org', country: 'FR', created_at: new Date(created.createdAt as string), updated_at: new Date(write.body.updatedAt as string) });
  });
});

describe('products', () => {
  let created: Record<string, unknown>;

  it('POST /v1/products stores the product and answers it as stored', async () => {
    const write = await timed(() => request(catalog.http).post('/v1/products').send({ sku: 'SKU-NEW-1', title: 'Copper Kettle', category: 'Kitchen', priceCents: 4999, currency: 'EUR' }));
    expect(write.status).toBe(201);
    created = write.body;
    expect(created).toEqual({ id: expect.any(String), sku: 'SKU-NEW-1', title: 'Copper Kettle', category: 'Kitchen', priceCents: 4999, currency: 'EUR', updatedAt: expect.any(String) });
    expect(within(created.updatedAt, write)).toBe(true);
    const stored = await rowOf(catalog.db, 'SELECT sku, title, category, price_cents, currency, updated_at FROM products WHERE id = $1', created.id as string);
    expect(stored).toEqual({ sku: 'SKU-NEW-1', title: 'Copper Kettle', category: 'Kitchen', price_cents: 4999, currency: 'EUR', updated_at: new Date(created.updatedAt as string) });
  });

  it('PATCH /v1/products/{id} changes only the fields given, and moves updatedAt', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const write = await timed(() => request(catalog.http).patch(`/v1/products/${created.id}`).send({ priceCents: 3999, title: 'Copper Kettle, 1.5 l' }));
    expect(write.status).toBe(200);
    expect(write.body).toEqual({ ...created, priceCents: 3999, title: 'Copper Kettle, 1.5 l', updatedAt: expect.any(String) });
    expect(Date.parse(write.body.updatedAt as string)).toBeGreaterThan(Date.parse(created.updatedAt as string));
    const stored = await rowOf(catalog.db, 'SELECT sku, title, price_cents, updated_at FROM products WHERE id = $1', created.id as string);
    expect(stored).toEqual({ sku: 'SKU-NEW-1', title: 'Copper Kettle, 1.5 l', price_cents: 3999, updated_at: new Date(write.body.updatedAt as string) });
  });
});

describe('orders', () => {
  let created: Record<string, unknown>;
  const lines = [
    { productId: 'product-a', quantity: 3, unitPriceCents: 1250 },
    { productId: 'product-b', quantity: 1, unitPriceCents: 999 },
  ];

  it('POST /v1/orders stores the order and its numbered lines, with total and units computed, PLACED now by default', async () => {
    const write = await timed(() => request(orders.http).post('/v1/orders').send({ customerId: 'customer-1', currency: 'GBP', lines }));
    expect(write.status).toBe(201);
    created = write.body;
    expect(created).toEqual({
      id: expect.any(String),
      customerId: 'customer-1',
      placedAt: expect.any(String),
      status: 'PLACED',
      currency: 'GBP',
      totalCents: 3 * 1250 + 999,
      units: 4,
      updatedAt: expect.any(String),
      lines: [
        { lineNo: 1, ...lines[0] },
        { lineNo: 2, ...lines[1] },
      ],
    });
    expect(within(created.placedAt, write) && within(created.updatedAt, write)).toBe(true);
    const stored = await rowOf(orders.db, 'SELECT customer_id, status::text, currency, total_cents::text, units, placed_at, updated_at FROM orders WHERE id = $1', created.id as string);
    expect(stored).toEqual({ customer_id: 'customer-1', status: 'PLACED', currency: 'GBP', total_cents: '4749', units: 4, placed_at: new Date(created.placedAt as string), updated_at: new Date(created.updatedAt as string) });
    const storedLines = await orders.db.$queryRawUnsafe('SELECT line_no, product_id, quantity, unit_price_cents FROM order_lines WHERE order_id = $1 ORDER BY line_no', created.id);
    expect(storedLines).toEqual([
      { line_no: 1, product_id: 'product-a', quantity: 3, unit_price_cents: 1250 },
      { line_no: 2, product_id: 'product-b', quantity: 1, unit_price_cents: 999 },
    ]);
  });

  it('POST /v1/orders keeps a given placedAt and status', async () => {
    const response = await request(orders.http).post('/v1/orders').send({ customerId: 'customer-2', currency: 'EUR', placedAt: '2026-03-04T05:06:07Z', status: 'PAID', lines: [lines[0]] }).expect(201);
    expect(response.body).toMatchObject({ placedAt: '2026-03-04T05:06:07.000Z', status: 'PAID', totalCents: 3750, units: 3 });
  });

  it('PATCH /v1/orders/{id} changes the status, moves updatedAt, and leaves the lines and totals', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    const write = await timed(() => request(orders.http).patch(`/v1/orders/${created.id}`).send({ status: 'SHIPPED' }));
    expect(write.status).toBe(200);
    expect(write.body).toEqual({ ...created, status: 'SHIPPED', updatedAt: expect.any(String) });
    expect(Date.parse(write.body.updatedAt as string)).toBeGreaterThan(Date.parse(created.updatedAt as string));
    expect(within(write.body.updatedAt, write)).toBe(true);
    const stored = await rowOf(orders.db, 'SELECT status::text, total_cents::text, placed_at, updated_at FROM orders WHERE id = $1', created.id as string);
    expect(stored).toEqual({ status: 'SHIPPED', total_cents: '4749', placed_at: new Date(created.placedAt as string), updated_at: new Date(write.body.updatedAt as string) });
  });

  it('PATCH with no fields writes nothing: the order comes back as it is, updatedAt unmoved; an unknown id is still a 404', async () => {
    const before = await request(orders.http).get(`/v1/orders/${created.id}`).expect(200);
    const response = await request(orders.http).patch(`/v1/orders/${created.id}`).send({}).expect(200);
    expect(response.body).toEqual(before.body);
    await request(orders.http).patch('/v1/orders/no-such-order').send({}).expect(404);
  });

  it('PATCH refuses the fields an order never changes', async () => {
    const response = await request(orders.http).patch(`/v1/orders/${created.id}`).send({ currency: 'EUR' }).expect(400);
    expect(response.body.errors).toEqual([{ field: 'currency', message: 'property currency should not exist' }]);
  });
});
