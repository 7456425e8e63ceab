import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogService } from '../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { toOrderDto } from '../apps/orders/src/orders/order.dto.js';
import { OrdersService } from '../apps/orders/src/orders/orders.service.js';
import { toProductDto } from '../apps/catalog/src/products/product.dto.js';
import { ProductsService } from '../apps/catalog/src/products/products.service.js';
import { toCustomerDto } from '../apps/customers/src/customers/customer.dto.js';
import { CustomersService } from '../apps/customers/src/customers/customers.service.js';
import { type ServiceUnderTest, startService, TEST_DATA, TestDatabases } from '@tributary/testing';

const databases = new TestDatabases();
/** Each resource's source (findByIds, as Prisma objects) and its one DTO mapping: what the wire form PostgreSQL writes must equal. */
const services = [
  { definition: customersService, collection: 'customers', resource: 'customer', table: 'customers', statements: 1, source: CustomersService, toDto: toCustomerDto },
  { definition: catalogService, collection: 'products', resource: 'product', table: 'products', statements: 1, source: ProductsService, toDto: toProductDto },
  // The orders with their lines, in one statement.
  { definition: ordersService, collection: 'orders', resource: 'order', table: 'orders', statements: 1, source: OrdersService, toDto: toOrderDto },
] as const;
const running = new Map<string, ServiceUnderTest>();

beforeAll(async () => {
  for (const { definition, collection } of services) running.set(collection, await startService(definition, databases, { data: TEST_DATA }));
});

afterAll(async () => {
  for (const service of running.values()) await service.close();
  await databases.dropAll();
});

describe.each(services)('POST /v1/$collection:batchGet', ({ collection, resource, table, statements, source: sourceClass, toDto }) => {
  const service = () => running.get(collection)!;
  const idsInTable = async (limit: number) =>
    (await service().db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM ${table} ORDER BY id LIMIT ${limit}`)).map((row) => row.id);

  it('answers one result per requested id, in the requested order, repeating duplicates and marking unknown ids NOT_FOUND', async () => {
    const [a, b, c] = await idsInTable(3);
    const ids = [c!, 'no-such-id', a!, c!, b!];
    const response = await request(service().http).post(`/v1/${collection}:batchGet`).send({ ids }).expect(200);
    expect(response.body.results.map((r: { id: string }) => r.id)).toEqual(ids);
    expect(response.body.results[0][resource].id).toBe(c);
    expect(response.body.results[1]).toEqual({ id: 'no-such-id', error: { code: 'NOT_FOUND', message: `${resource} no-such-id does not exist` } });
    expect(response.body.results[3]).toEqual(response.body.results[0]);
    expect(response.body.results[4][resource].id).toBe(b);
  });

  it(`takes 1000 ids and answers with ${statements} SQL statement(s), as it does for one id`, async () => {
    const ids = await idsInTable(1000);
    expect(ids).toHaveLength(1000);
    const before = service().db.queryCount;
    await request(service().http).post(`/v1/${collection}:batchGet`).send({ ids: [ids[0]] }).expect(200);
    const afterOne = service().db.queryCount;
    const response = await request(service().http).post(`/v1/${collection}:batchGet`).send({ ids }).expect(200);
    expect(afterOne - before).toBe(statements);
    expect(service().db.queryCount - afterOne).toBe(statements);
    expect(response.body.results).toHaveLength(1000);
    expect(response.body.results.every((r: Record<string, { id: string }>, i: number) => r[resource]?.id === ids[i])).toBe(true);
  });

  it('writes every resource exactly as its DTO mapping does: the JSON PostgreSQL writes for batchGet and list equals toDto of the row', async () => {
    const source = service().app.get(sourceClass) as { findByIds(ids: readonly string[]): Promise<unknown[]> };
    const dto = toDto as (row: unknown) => { id: string };
    const listed: Array<{ id: string }> = [];
    let pageToken: string | undefined;
    do {
      const page = (await request(service().http).get(`/v1/${collection}`).query({ pageSize: 1000, ...(pageToken ? { pageToken } : {}) }).expect(200)).body;
      listed.push(...page[collection]);
      pageToken = page.nextPageToken;
    } while (pageToken);
    const rows = await source.findByIds(listed.map((row) => row.id));
    const expected = new Map(rows.map((row) => [dto(row).id, dto(row)]));
    expect(listed).toHaveLength(expected.size);
    for (const resource of listed) expect(resource).toStrictEqual(expected.get(resource.id));
    const sample = listed.slice(0, 200).map((row) => row.id);
    const results = (await request(service().http).post(`/v1/${collection}:batchGet`).send({ ids: sample }).expect(200)).body.results;
    expect(results.map((entry: Record<string, unknown>) => entry[resource])).toStrictEqual(sample.map((id) => expected.get(id)));
  });

  it('gives each resource exactly as the list method does', async () => {
    const listed = (await request(service().http).get(`/v1/${collection}`).query({ pageSize: 50 }).expect(200)).body[collection] as Array<{ id: string }>;
    const response = await request(service().http).post(`/v1/${collection}:batchGet`).send({ ids: listed.map((row) => row.id) }).expect(200);
    expect(response.body.results.map((r: Record<string, unknown>) => r[resource])).toEqual(listed);
  });

  it('refuses 1001 ids with a problem that names the field and the limit', async () => {
    const ids = Array.from({ length: 1001 }, (_, i) => `id-${i}`);
    const response = await request(service().http).post(`/v1/${collection}:batchGet`).send({ ids }).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toContainEqual({ field: 'ids', message: 'ids must contain no more than 1000 elements' });
  });

  it('GET /v1/{rs}/{id} returns one resource, and a 404 problem for an unknown id', async () => {
    const [id] = await idsInTable(1);
    const found = await request(service().http).get(`/v1/${collection}/${id}`).expect(200);
    expect(found.body.id).toBe(id);
    const missing = await request(service().http).get(`/v1/${collection}/nope`).expect(404);
    expect(missing.body).toMatchObject({ status: 404, code: 'NOT_FOUND', detail: `${resource} nope does not exist` });
  });
});

describe('read masks (AIP-157): only the fields asked for', () => {
  const orders = () => running.get('orders')!;
  const customers = () => running.get('customers')!;

  it('batchGet sends each order with exactly the masked fields, nested ones by path, with the values of the full resource', async () => {
    const ids = (await orders().db.$queryRawUnsafe<Array<{ id: string }>>('SELECT id FROM orders ORDER BY id LIMIT 50')).map((row) => row.id);
    const full = (await request(orders().http).post('/v1/orders:batchGet').send({ ids }).expect(200)).body.results;
    const masked = (await request(orders().http).post('/v1/orders:batchGet').send({ ids: [...ids, 'no-such-id'], readMask: 'placedAt, customerId,lines.quantity,lines.productId' }).expect(200)).body.results;
    expect(masked).toHaveLength(51);
    masked.slice(0, 50).forEach((entry: { id: string; order: Record<string, unknown> }, index: number) => {
      const order = full[index].order;
      expect(entry.id).toBe(ids[index]);
      expect(entry.order).toStrictEqual({
        customerId: order.customerId,
        placedAt: order.placedAt,
        lines: order.lines.map((line: Record<string, unknown>) => ({ productId: line.productId, quantity: line.quantity })),
      });
    });
    expect(masked[50]).toEqual({ id: 'no-such-id', error: { code: 'NOT_FOUND', message: 'order no-such-id does not exist' } });
    // `lines` alone is every field of each line; `*` is every field.
    const lines = (await request(orders().http).post('/v1/orders:batchGet').send({ ids, readMask: 'lines' }).expect(200)).body.results;
    expect(lines.map((entry: { order: unknown }) => entry.order)).toStrictEqual(full.map((entry: { order: { lines: unknown } }) => ({ lines: entry.order.lines })));
    expect((await request(orders().http).post('/v1/orders:batchGet').send({ ids, readMask: '*' }).expect(200)).body.results).toStrictEqual(full);
  });

  it('a list walk may change its mask between pages: the token is bound to the filters only', async () => {
    const first = (await request(customers().http).get('/v1/customers').query({ pageSize: 2, readMask: 'name' }).expect(200)).body;
    expect(first.customers.map((c: object) => Object.keys(c))).toEqual([['name'], ['name']]);
    const second = (await request(customers().http).get('/v1/customers').query({ pageSize: 2, pageToken: first.nextPageToken, readMask: 'id,email' }).expect(200)).body;
    const unmasked = (await request(customers().http).get('/v1/customers').query({ pageSize: 4 }).expect(200)).body.customers;
    expect(second.customers).toStrictEqual(unmasked.slice(2, 4).map(({ id, email }: { id: string; email: string }) => ({ id, email })));
  });

  it('refuses a field the resource does not have, naming readMask and every field it has', async () => {
    const response = await request(orders().http).post('/v1/orders:batchGet').send({ ids: ['x'], readMask: 'id,lines.colour' }).expect(400);
    expect(response.body.errors).toEqual([
      {
        field: 'readMask',
        message: 'readMask names "lines.colour", which is not a field of order; its fields are id, customerId, placedAt, status, currency, totalCents, units, updatedAt, lines, lines.lineNo, lines.productId, lines.quantity, lines.unitPriceCents',
      },
    ]);
    const tooLong = await request(customers().http).get('/v1/customers').query({ readMask: 'name,'.repeat(300) }).expect(400);
    expect(tooLong.body.errors).toContainEqual({ field: 'readMask', message: 'readMask must be shorter than or equal to 1024 characters' });
    // Rates always send every field: a mask there is refused rather than ignored.
    const rates = await request(orders().http).post('/v1/rates:batchGet').send({ ids: ['2026-01-05:USD'], readMask: 'rate' }).expect(400);
    expect(rates.body.errors).toEqual([{ field: 'readMask', message: 'rates are always sent whole: readMask is not supported here' }]);
  });
});

describe('orders come with their lines', () => {
  it('batchGet returns each order with all its lines, in line order', async () => {
    const orders = running.get('orders')!;
    const [row] = await orders.db.$queryRawUnsafe<Array<{ order_id: string; lines: number }>>(
      'SELECT order_id, COUNT(*)::int AS lines FROM order_lines GROUP BY order_id HAVING COUNT(*) >= 3 ORDER BY order_id LIMIT 1',
    );
    const response = await request(orders.http).post('/v1/orders:batchGet').send({ ids: [row!.order_id] }).expect(200);
    const order = response.body.results[0].order;
    expect(order.lines.map((l: { lineNo: number }) => l.lineNo)).toEqual(Array.from({ length: row!.lines }, (_, i) => i + 1));
    expect(order.totalCents).toBe(order.lines.reduce((sum: number, l: { quantity: number; unitPriceCents: number }) => sum + l.quantity * l.unitPriceCents, 0));
  });
});

describe('POST /v1/orders:batchGetByCustomer', () => {
  it('answers one entry per customer id, in order, each with exactly the orders of the period', async () => {
    const orders = running.get('orders')!;
    const busiest = await orders.db.$queryRawUnsafe<Array<{ customer_id: string }>>(
      'SELECT customer_id FROM orders GROUP BY customer_id ORDER BY COUNT(*) DESC, customer_id LIMIT 3',
    );
    const customerIds = [busiest[2]!.customer_id, 'customer-without-orders', busiest[0]!.customer_id, busiest[2]!.customer_id];
    const period = { placedFrom: '2026-01-01T00:00:00Z', placedTo: '2026-07-01T00:00:00Z' };
    const before = orders.db.queryCount;
    const response = await request(orders.http).post('/v1/orders:batchGetByCustomer').send({ customerIds, ...period }).expect(200);
    expect(orders.db.queryCount - before).toBe(2);
    expect(response.body.results.map((r: { customerId: string }) => r.customerId)).toEqual(customerIds);
    expect(response.body.results[1].orders).toEqual([]);
    for (const [index, customerId] of customerIds.entries()) {
      const expected = await orders.db.$queryRawUnsafe<Array<{ id: string }>>(
        `SELECT id FROM orders WHERE customer_id = $1 AND placed_at >= $2::timestamptz AND placed_at < $3::timestamptz ORDER BY placed_at, id`,
        customerId, period.placedFrom, period.placedTo,
      );
      expect(response.body.results[index].orders.map((o: { id: string }) => o.id)).toEqual(expected.map((o) => o.id));
    }
    expect(response.body.results[0].orders.length).toBeGreaterThan(0);
  });
});
