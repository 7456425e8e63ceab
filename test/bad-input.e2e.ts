import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogService } from '../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { fingerprintOf, type ServiceUnderTest, startService, TestDatabases } from '@tributary/testing';

const SMALL_DATA = { customers: 50, products: 40, orders: 200, seed: 3, until: new Date('2026-11-01T00:00:00Z') };
const databases = new TestDatabases();
const running: Record<'customers' | 'orders' | 'catalog', ServiceUnderTest> = {} as never;
const TABLES = { customers: ['customers'], orders: ['orders', 'order_lines'], catalog: ['products'] } as const;

beforeAll(async () => {
  running.customers = await startService(customersService, databases, { data: SMALL_DATA });
  running.orders = await startService(ordersService, databases, { data: SMALL_DATA });
  running.catalog = await startService(catalogService, databases, { data: SMALL_DATA });
});

afterAll(async () => {
  for (const service of Object.values(running)) await service?.close();
  await databases.dropAll();
});

/** Every row of every table of every service: equal fingerprints mean nothing changed. */
async function fingerprint(): Promise<string[]> {
  const parts = await Promise.all(Object.entries(TABLES).map(([service, tables]) => fingerprintOf(running[service as keyof typeof TABLES].db, tables)));
  return parts.flat();
}

const someIds = Array.from({ length: 1001 }, (_, i) => `id-${i}`);
const oversized = { ids: ['a'], padding: 'x'.repeat(300 * 1024) };

/** [service, method, path, body or query, the field the problem must name, a text its message must contain] */
const BAD_REQUESTS: Array<[keyof typeof TABLES, 'get' | 'post' | 'patch', string, unknown, string, string]> = [
  ['customers', 'post', '/v1/customers:batchGet', '{"ids": [', 'body', 'not valid JSON'],
  ['customers', 'post', '/v1/customers:batchGet', { ids: 'abc' }, 'ids', 'must be an array'],
  ['customers', 'post', '/v1/customers:batchGet', { ids: [1, 2] }, 'ids', 'must be a string'],
  ['customers', 'post', '/v1/customers:batchGet', { ids: ['a'], extra: 1 }, 'extra', 'should not exist'],
  ['customers', 'post', '/v1/customers:batchGet', { ids: [] }, 'ids', 'at least 1'],
  ['customers', 'post', '/v1/customers:batchGet', { ids: someIds }, 'ids', 'no more than 1000'],
  ['catalog', 'post', '/v1/products:batchGet', { ids: ['x'.repeat(65)] }, 'ids', '64 characters'],
  ['customers', 'post', '/v1/customers:batchGet', oversized, 'body', `limit of ${256 * 1024} bytes`],
  ['customers', 'get', '/v1/customers', { pageToken: 'forged.token' }, 'pageToken', 'not a token'],
  ['customers', 'get', '/v1/customers', { pageSize: -5 }, 'pageSize', 'not be less than 0'],
  ['customers', 'get', '/v1/customers', { pageSize: 'ten' }, 'pageSize', 'must be an integer'],
  ['customers', 'get', '/v1/customers', { pageSize: '2.5' }, 'pageSize', 'must be an integer'],
  ['customers', 'get', '/v1/customers', { updatedSince: 'yesterday' }, 'updatedSince', 'ISO-8601'],
  ['customers', 'get', '/v1/customers', { sort: 'name' }, 'sort', 'should not exist'],
  ['customers', 'post', '/v1/customers', { name: '', email: 'ada@example.com', country: 'GB' }, 'name', 'should not be empty'],
  ['customers', 'post', '/v1/customers', { name: 'Ada', email: 'not-an-email', country: 'GB' }, 'email', 'must be an email'],
  ['customers', 'post', '/v1/customers', { name: 'Ada', email: 'ada@example.com', country: 'XX' }, 'country', 'ISO31661 Alpha2'],
  ['customers', 'post', '/v1/customers', { name: 'Ada', email: 'ada@example.com', country: 'GB', id: 'mine' }, 'id', 'should not exist'],
  ['catalog', 'post', '/v1/products', { sku: 'lower-case', title: 'T', category: 'C', priceCents: 100, currency: 'EUR' }, 'sku', 'upper-case'],
  ['catalog', 'post', '/v1/products', { sku: 'SKU-1', title: 'T', category: 'C', priceCents: -1, currency: 'EUR' }, 'priceCents', 'not be less than 0'],
  ['catalog', 'post', '/v1/products', { sku: 'SKU-1', title: 'T', category: 'C', priceCents: 100, currency: 'JPY' }, 'currency', 'one of the following values'],
  ['catalog', 'get', '/v1/products', { category: 'x'.repeat(101) }, 'category', '100 characters'],
  ['orders', 'post', '/v1/orders', { customerId: 'c', currency: 'EUR', lines: [] }, 'lines', 'at least 1'],
  ['orders', 'post', '/v1/orders', { customerId: 'c', currency: 'EUR', lines: [{ productId: 'p', quantity: 0, unitPriceCents: 100 }] }, 'lines[0].quantity', 'not be less than 1'],
  ['orders', 'post', '/v1/orders', { customerId: 'c', currency: 'EUR', lines: [{ productId: 'p', quantity: 1, unitPriceCents: 1.5 }] }, 'lines[0].unitPriceCents', 'integer'],
  ['orders', 'get', '/v1/orders', { status: 'LOST' }, 'status', 'one of the following values'],
  ['orders', 'get', '/v1/orders', { placedFrom: '2026-02-01T00:00:00Z', placedTo: '2026-01-01T00:00:00Z' }, 'placedTo', 'later than placedFrom'],
  ['orders', 'post', '/v1/orders:batchGetByCustomer', { customerIds: someIds }, 'customerIds', 'no more than 1000'],
  ['orders', 'post', '/v1/orders:batchGetByCustomer', { customerIds: ['c'], placedFrom: '2026-13-01' }, 'placedFrom', 'ISO-8601'],
  ['orders', 'post', '/v1/orders:aggregate', { groupBy: 'week' }, 'groupBy', 'one of the following values'],
  ['orders', 'post', '/v1/orders:aggregate', { groupBy: 'none', statuses: ['LOST'] }, 'statuses', 'one of the following values'],
  ['orders', 'post', '/v1/orders:aggregate', { groupBy: 'customer', limit: 0 }, 'limit', 'not be less than 1'],
  ['orders', 'post', '/v1/orders:aggregate', { groupBy: 'none', placedFrom: '2026-02-01T00:00:00Z', placedTo: '2026-02-01T00:00:00Z' }, 'placedTo', 'later than placedFrom'],
];

describe('bad input', () => {
  it.each(BAD_REQUESTS)('%s %s %s → 400 naming the field, data unchanged (%#)', async (service, method, path, input, field, text) => {
    const before = await fingerprint();
    const call = request(running[service].http)[method](path);
    const response = await (method === 'get' ? call.query(input as Record<string, string>) : typeof input === 'string' ? call.set('content-type', 'application/json').send(input) : call.send(input as object));
    expect(response.status).toBe(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body).toMatchObject({ status: 400, title: 'Bad Request', instance: expect.stringContaining(path.split('?')[0]!) });
    const violation = response.body.errors.find((e: { field: string }) => e.field === field);
    expect(violation?.message).toContain(text);
    expect(await fingerprint()).toEqual(before);
  });

  it('a bad update is refused whole: no field of it is written', async () => {
    const [customer] = await running.customers.db.$queryRawUnsafe<Array<{ id: string }>>('SELECT id FROM customers LIMIT 1');
    const before = await fingerprint();
    const response = await request(running.customers.http).patch(`/v1/customers/${customer!.id}`).send({ name: 'Changed', email: 'broken' }).expect(400);
    expect(response.body.errors).toEqual([{ field: 'email', message: 'email must be an email' }]);
    expect(await fingerprint()).toEqual(before);
  });

  it('a duplicate email is a 409 conflict naming the field, and changes nothing', async () => {
    const [customer] = await running.customers.db.$queryRawUnsafe<Array<{ email: string }>>('SELECT email FROM customers LIMIT 1');
    const before = await fingerprint();
    const response = await request(running.customers.http).post('/v1/customers').send({ name: 'Twin', email: customer!.email, country: 'DE' }).expect(409);
    expect(response.body).toMatchObject({ code: 'ALREADY_EXISTS', errors: [{ field: 'email' }] });
    expect(await fingerprint()).toEqual(before);
  });

  it('unknown routes and unknown ids are 404 problems', async () => {
    for (const path of ['/v1/nothing-here', '/v2/customers', '/v1/customers:batchDelete']) {
      const response = await request(running.customers.http).get(path).expect(404);
      expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(response.body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    }
    const patch = await request(running.orders.http).patch('/v1/orders/no-such-order').send({ status: 'PAID' }).expect(404);
    expect(patch.body.detail).toBe('order no-such-order does not exist');
  });
});
