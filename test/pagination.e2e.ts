import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { type ServiceUnderTest, startService, TEST_DATA, TestDatabases } from '@tributary/testing';

const databases = new TestDatabases();
let customers: ServiceUnderTest;
let orders: ServiceUnderTest;

beforeAll(async () => {
  customers = await startService(customersService, databases, { data: TEST_DATA });
  orders = await startService(ordersService, databases, { data: TEST_DATA });
});

afterAll(async () => {
  await customers?.close();
  await orders?.close();
  await databases.dropAll();
});

interface Row {
  id: string;
  name?: string;
  updatedAt: string;
}

/** Follows nextPageToken to the end, calling `between` after each page. */
async function walk(service: ServiceUnderTest, collection: string, query: Record<string, string | number>, between?: (page: number) => Promise<void>) {
  const rows: Row[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const response = await request(service.http).get(`/v1/${collection}`).query({ ...query, ...(pageToken ? { pageToken } : {}) }).expect(200);
    rows.push(...response.body[collection]);
    pageToken = response.body.nextPageToken;
    pages++;
    await between?.(pages);
  } while (pageToken);
  return { rows, pages };
}

async function idsBySql(service: ServiceUnderTest, sql: string, ...values: unknown[]) {
  return (await service.db.$queryRawUnsafe<Array<{ id: string }>>(sql, ...values)).map((row) => row.id);
}

describe('GET /v1/{rs}: walking every page', () => {
  it('returns every row exactly once, in (updatedAt, id) order, and the last page has no token', async () => {
    const { rows, pages } = await walk(customers, 'customers', { pageSize: 97 });
    const expected = await idsBySql(customers, 'SELECT id FROM customers ORDER BY updated_at, id');
    expect(rows.map((r) => r.id)).toEqual(expected);
    expect(pages).toBe(Math.ceil(TEST_DATA.customers / 97));
  });

  it('stops on an exactly full last page without an extra empty one', async () => {
    const { rows, pages } = await walk(customers, 'customers', { pageSize: 400 });
    expect(rows).toHaveLength(1200);
    expect(pages).toBe(3);
  });

  it('applies the page size rules: default 100, 0 means default, above 1000 lowered to 1000', async () => {
    const sizeOf = async (query: Record<string, number>) => (await request(customers.http).get('/v1/customers').query(query).expect(200)).body.customers.length;
    expect(await sizeOf({})).toBe(100);
    expect(await sizeOf({ pageSize: 0 })).toBe(100);
    expect(await sizeOf({ pageSize: 1 })).toBe(1);
    expect(await sizeOf({ pageSize: 5000 })).toBe(1000);
  });

  it('keeps the filters across pages: orders of one status in a period, and updatedSince', async () => {
    const filters = { status: 'SHIPPED', placedFrom: '2025-06-01T00:00:00Z', placedTo: '2026-01-01T00:00:00Z' };
    const { rows, pages } = await walk(orders, 'orders', { pageSize: 50, ...filters });
    const expected = await idsBySql(
      orders,
      `SELECT id FROM orders WHERE status = 'SHIPPED' AND placed_at >= $1::timestamptz AND placed_at < $2::timestamptz ORDER BY updated_at, id`,
      filters.placedFrom, filters.placedTo,
    );
    expect(expected.length).toBeGreaterThan(100);
    expect(rows.map((r) => r.id)).toEqual(expected);
    expect(pages).toBeGreaterThan(2);

    const since = '2026-06-01T00:00:00Z';
    const recent = await walk(customers, 'customers', { pageSize: 100, updatedSince: since });
    expect(recent.rows.map((r) => r.id)).toEqual(await idsBySql(customers, 'SELECT id FROM customers WHERE updated_at >= $1::timestamptz ORDER BY updated_at, id', since));
  });

  it('with writes between pages: untouched rows come exactly once, written rows come again with their new version', async () => {
    const seenBefore = await idsBySql(customers, 'SELECT id FROM customers ORDER BY updated_at, id');
    const alreadyWalked = seenBefore.slice(10, 15);
    const notYetWalked = seenBefore.slice(900, 905);
    const created: string[] = [];
    const { rows } = await walk(customers, 'customers', { pageSize: 100 }, async (page) => {
      if (page !== 3) return;
      for (const id of [...alreadyWalked, ...notYetWalked]) {
        await request(customers.http).patch(`/v1/customers/${id}`).send({ name: `Renamed ${id}` }).expect(200);
      }
      for (let i = 0; i < 3; i++) {
        const response = await request(customers.http).post('/v1/customers').send({ name: `New ${i}`, email: `new-during-walk-${i}@example.com`, country: 'DE' }).expect(201);
        created.push(response.body.id);
      }
    });
    const touched = new Set([...alreadyWalked, ...notYetWalked]);
    const count = new Map<string, number>();
    for (const row of rows) count.set(row.id, (count.get(row.id) ?? 0) + 1);
    for (const id of seenBefore.filter((id) => !touched.has(id))) expect(count.get(id)).toBe(1);
    // A row written during the walk moves to the end of (updatedAt, id) order: it comes
    // again there, with its new version, so an incremental reader never misses a write.
    for (const id of touched) {
      const versions = rows.filter((row) => row.id === id);
      expect(versions.at(-1)?.name).toBe(`Renamed ${id}`);
    }
    for (const id of alreadyWalked) expect(count.get(id)).toBe(2);
    for (const id of notYetWalked) expect(count.get(id)).toBe(1);
    for (const id of created) expect(count.get(id)).toBe(1);
  });
});

describe('page tokens', () => {
  it('refuse a tampered token with a 400 problem naming pageToken', async () => {
    const first = await request(customers.http).get('/v1/customers').query({ pageSize: 10 }).expect(200);
    const token: string = first.body.nextPageToken;
    const tampered = token.slice(0, 20) + (token[20] === 'A' ? 'B' : 'A') + token.slice(21);
    const response = await request(customers.http).get('/v1/customers').query({ pageSize: 10, pageToken: tampered }).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ code: 'INVALID_PAGE_TOKEN', errors: [{ field: 'pageToken' }] });
  });

  it('refuse a token reused with other filters, and accept it with the same ones and another page size', async () => {
    const first = await request(orders.http).get('/v1/orders').query({ pageSize: 10, status: 'PAID' }).expect(200);
    const pageToken = first.body.nextPageToken;
    const other = await request(orders.http).get('/v1/orders').query({ pageSize: 10, status: 'SHIPPED', pageToken }).expect(400);
    expect(other.body).toMatchObject({
      code: 'INVALID_PAGE_TOKEN',
      errors: [{ field: 'pageToken', message: 'pageToken was issued for other filters: repeat the filters of the first page, or start again without pageToken' }],
    });
    await request(orders.http).get('/v1/orders').query({ pageSize: 10, pageToken }).expect(400);
    const same = await request(orders.http).get('/v1/orders').query({ pageSize: 20, status: 'PAID', pageToken }).expect(200);
    expect(same.body.orders).toHaveLength(20);
    expect(same.body.orders.every((o: { status: string }) => o.status === 'PAID')).toBe(true);
  });
});
