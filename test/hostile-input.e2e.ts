import fc from 'fast-check';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogService } from '../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { fingerprintOf, startService, TestDatabases, type ServiceUnderTest } from '@tributary/testing';

/**
 * Property-based: whatever a client sends to a write or batch endpoint, the answer is
 * never a 5xx, and a refused request changes no row. Bodies are valid requests with
 * fields replaced, dropped or added at random, by values chosen to hurt: NUL
 * characters, nulls, the largest amounts, numbers where strings go, deep nesting.
 */
const SMALL_DATA = { customers: 30, products: 20, orders: 60, seed: 4, until: new Date('2026-11-01T00:00:00Z') };
const RUNS = Number(process.env.HOSTILE_RUNS ?? 40);
const databases = new TestDatabases();
const running = {} as Record<'customers' | 'orders' | 'catalog', ServiceUnderTest>;
const TABLES = { customers: ['customers'], orders: ['orders', 'order_lines'], catalog: ['products'] } as const;
const ids = {} as Record<'customers' | 'orders' | 'products', string[]>;

beforeAll(async () => {
  running.customers = await startService(customersService, databases, { data: SMALL_DATA });
  running.orders = await startService(ordersService, databases, { data: SMALL_DATA });
  running.catalog = await startService(catalogService, databases, { data: SMALL_DATA });
  const idsOf = async (service: ServiceUnderTest, table: string) => (await service.db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM ${table} ORDER BY id LIMIT 5`)).map((r) => r.id);
  ids.customers = await idsOf(running.customers, 'customers');
  ids.orders = await idsOf(running.orders, 'orders');
  ids.products = await idsOf(running.catalog, 'products');
});

afterAll(async () => {
  for (const service of Object.values(running)) await service?.close();
  await databases.dropAll();
});

const hostileString = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom('\u0000', 'a\u0000b', '\ud800', ' ', '', 'x'.repeat(5000), 'SKU-1', 'ada@example.org', 'GB', 'EUR', 'PAID', '2026-01-01T00:00:00Z', '0000-01-01T00:00:00Z', '9999-12-31T23:59:59Z'),
);
const hostileNumber = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.constantFrom(0, -1, 1, 2 ** 31, 2 ** 31 - 1, 2 ** 53, Number.MAX_SAFE_INTEGER, 1e308, -0, 0.5, 10_000, 100_000_000),
);
const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString },
  { weight: 3, arbitrary: hostileNumber },
  { weight: 1, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], { nested: { deeper: [1, { x: '\u0000' }] } }) },
  { weight: 1, arbitrary: fc.array(hostileString, { maxLength: 3 }) },
  { weight: 1, arbitrary: fc.anything({ maxDepth: 3 }) },
);

/** A valid-looking body, then each field kept, replaced or dropped at random, and maybe a field added. */
function mutated(valid: fc.Arbitrary<Record<string, unknown>>): fc.Arbitrary<unknown> {
  return fc.oneof(
    valid,
    valid.chain((body) =>
      fc
        .record({
          changes: fc.array(fc.tuple(fc.constantFrom(...Object.keys(body), 'extra', '__proto__', 'constructor'), fc.option(hostileValue, { nil: undefined })), { minLength: 1, maxLength: 3 }),
        })
        .map(({ changes }) => {
          const copy: Record<string, unknown> = JSON.parse(JSON.stringify(body));
          for (const [key, value] of changes) {
            if (value === undefined) delete copy[key];
            else Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
          }
          return copy;
        }),
    ),
    hostileValue,
  );
}

/** A path segment as a client would encode it (a lone surrogate has no UTF-8 form: it is sent as U+FFFD). */
const pathSegment = (value: string) => encodeURIComponent(value.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd'));

// Picked when a value is drawn: the ids exist only once the services are seeded.
const id = (kind: keyof typeof ids) => fc.oneof(fc.nat({ max: 4 }).map((index) => ids[kind][index]!), hostileString);
const currency = fc.constantFrom('EUR', 'GBP', 'USD');
const quantity = fc.oneof(fc.integer({ min: 1, max: 10_000 }), fc.constant(10_000));
const unitPrice = fc.oneof(fc.integer({ min: 0, max: 100_000_000 }), fc.constant(100_000_000));
const instant = fc.date({ min: new Date('2020-01-01T00:00:00Z'), max: new Date('2027-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString());

const customerBody = fc.record({ name: fc.string({ minLength: 1, maxLength: 20 }), email: fc.emailAddress(), country: fc.constantFrom('GB', 'de', 'US') });
const productBody = fc.record({
  sku: fc.stringMatching(/^[A-Z0-9][A-Z0-9-]{0,20}$/),
  title: fc.string({ minLength: 1, maxLength: 30 }),
  category: fc.constantFrom('Books', 'Toys'),
  priceCents: unitPrice,
  currency,
});
const line = fc.record({ productId: id('products'), quantity, unitPriceCents: unitPrice });
const orderBody = fc.record({ customerId: id('customers'), currency, lines: fc.array(line, { minLength: 1, maxLength: 100 }) }, { requiredKeys: ['customerId', 'currency', 'lines'] });
const batchBody = (kind: keyof typeof ids) => fc.record({ ids: fc.array(id(kind), { minLength: 1, maxLength: 5 }) });
/** Any day a rate id may name, from year 1 to 9999: the database must take each. */
const day = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
const rateId = fc.oneof(fc.tuple(day, fc.constantFrom('EUR', 'GBP', 'USD', 'CHF')).map(([date, code]) => `${date}:${code}`), hostileString);
const aggregateBody = fc.record(
  {
    groupBy: fc.constantFrom('customer', 'product', 'month', 'none'),
    placedFrom: instant,
    placedTo: instant,
    statuses: fc.subarray(['PLACED', 'PAID', 'SHIPPED', 'CANCELLED'], { minLength: 1 }),
    limit: fc.integer({ min: 1, max: 100_000 }),
  },
  { requiredKeys: ['groupBy'] },
);

type Service = keyof typeof running;
interface Endpoint {
  service: Service;
  method: 'post' | 'patch' | 'get';
  path: fc.Arbitrary<string>;
  input: fc.Arbitrary<unknown>;
}

const ENDPOINTS: Record<string, Endpoint> = {
  'POST /v1/customers': { service: 'customers', method: 'post', path: fc.constant('/v1/customers'), input: mutated(customerBody) },
  'PATCH /v1/customers/{id}': { service: 'customers', method: 'patch', path: id('customers').map((i) => `/v1/customers/${pathSegment(i)}`), input: mutated(customerBody) },
  'POST /v1/products': { service: 'catalog', method: 'post', path: fc.constant('/v1/products'), input: mutated(productBody) },
  'PATCH /v1/products/{id}': { service: 'catalog', method: 'patch', path: id('products').map((i) => `/v1/products/${pathSegment(i)}`), input: mutated(productBody) },
  'POST /v1/orders': { service: 'orders', method: 'post', path: fc.constant('/v1/orders'), input: mutated(orderBody) },
  'PATCH /v1/orders/{id}': { service: 'orders', method: 'patch', path: id('orders').map((i) => `/v1/orders/${pathSegment(i)}`), input: mutated(fc.record({ status: fc.constantFrom('PAID', 'SHIPPED') })) },
  'POST /v1/customers:batchGet': { service: 'customers', method: 'post', path: fc.constant('/v1/customers:batchGet'), input: mutated(batchBody('customers')) },
  'POST /v1/products:batchGet': { service: 'catalog', method: 'post', path: fc.constant('/v1/products:batchGet'), input: mutated(batchBody('products')) },
  'POST /v1/orders:batchGet': { service: 'orders', method: 'post', path: fc.constant('/v1/orders:batchGet'), input: mutated(batchBody('orders')) },
  'POST /v1/orders:batchGetByCustomer': {
    service: 'orders',
    method: 'post',
    path: fc.constant('/v1/orders:batchGetByCustomer'),
    input: mutated(fc.record({ customerIds: fc.array(id('customers'), { minLength: 1, maxLength: 5 }), placedFrom: instant, placedTo: instant }, { requiredKeys: ['customerIds'] })),
  },
  'POST /v1/orders:aggregate': { service: 'orders', method: 'post', path: fc.constant('/v1/orders:aggregate'), input: mutated(aggregateBody) },
  'GET /v1/orders': {
    service: 'orders',
    method: 'get',
    path: fc.constant('/v1/orders'),
    input: mutated(fc.record({ pageSize: fc.integer({ min: 0, max: 2000 }), status: fc.constantFrom('PAID', 'LOST'), placedFrom: instant, updatedSince: instant }, { requiredKeys: [] })),
  },
  'POST /v1/rates:batchGet': { service: 'orders', method: 'post', path: fc.constant('/v1/rates:batchGet'), input: mutated(fc.record({ ids: fc.array(rateId, { minLength: 1, maxLength: 5 }) })) },
  'GET /v1/rates': {
    service: 'orders',
    method: 'get',
    path: fc.constant('/v1/rates'),
    input: mutated(fc.record({ pageSize: fc.integer({ min: 0, max: 2000 }), currency: fc.constantFrom('USD', 'usd', 'EURO'), from: day, to: day, updatedSince: instant }, { requiredKeys: [] })),
  },
  'GET /v1/rates/{id}': { service: 'orders', method: 'get', path: rateId.map((i) => `/v1/rates/${pathSegment(i)}`), input: fc.constant({}) },
  'GET /v1/customers/{id}': { service: 'customers', method: 'get', path: id('customers').map((i) => `/v1/customers/${pathSegment(i)}`), input: fc.constant({}) },
};

async function send(endpoint: Endpoint, path: string, input: unknown) {
  const call = request(running[endpoint.service].http)[endpoint.method](path);
  if (endpoint.method === 'get') {
    // A query string holds strings: every value as text, as a browser would send it.
    const query = input !== null && typeof input === 'object' && !Array.isArray(input) ? Object.fromEntries(Object.entries(input).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])) : { q: String(input) };
    return call.query(query);
  }
  return call.set('content-type', 'application/json').send(JSON.stringify(input));
}

describe('hostile input to every write and batch endpoint', () => {
  it.each(Object.entries(ENDPOINTS))('%s: never a 5xx, and a refused request changes nothing', async (_, endpoint) => {
    const tables = TABLES[endpoint.service];
    const db = running[endpoint.service].db;
    await fc.assert(
      fc.asyncProperty(endpoint.path, endpoint.input, async (path, input) => {
        const before = await fingerprintOf(db, tables);
        const response = await send(endpoint, path, input);
        expect({ status: response.status, body: response.status >= 500 ? response.body : undefined }).toEqual({ status: expect.any(Number), body: undefined });
        if (response.status >= 400) {
          expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
          expect(response.body.code).toEqual(expect.any(String));
          expect(await fingerprintOf(db, tables)).toEqual(before);
        }
      }),
      { numRuns: RUNS },
    );
  });
});

describe('the defects these found, each as a fixed case', () => {
  it('a lone surrogate is a 400 naming the field, not a database error; a surrogate pair (an emoji) is stored', async () => {
    const lone = await request(running.customers.http).post('/v1/customers').set('content-type', 'application/json').send('{"name":"Ada","email":"\\ud800@example.org","country":"DE"}').expect(400);
    expect(lone.body.errors).toEqual([{ field: 'email', message: 'email must be well-formed Unicode: a lone surrogate (such as \\ud800) has no UTF-8 form' }]);
    const pair = await request(running.customers.http).post('/v1/customers').send({ name: 'Ada \u{1F600}', email: 'emoji@example.org', country: 'DE' }).expect(201);
    expect(pair.body.name).toBe('Ada \u{1F600}');
  });

  it('a NUL character anywhere is a 400 naming the field, not a database error', async () => {
    const response = await request(running.customers.http).post('/v1/customers').send({ name: 'Ada\u0000', email: 'nul@example.org', country: 'GB' }).expect(400);
    expect(response.body.errors).toEqual([{ field: 'name', message: 'name must not contain the NUL character (U+0000)' }]);
    const line = await request(running.orders.http).post('/v1/orders').send({ customerId: 'c', currency: 'EUR', lines: [{ productId: 'p\u0000', quantity: 1, unitPriceCents: 1 }] }).expect(400);
    expect(line.body.errors).toEqual([{ field: 'lines[0].productId', message: 'lines[0].productId must not contain the NUL character (U+0000)' }]);
    const param = await request(running.customers.http).get('/v1/customers/%00').expect(400);
    expect(param.body.errors).toEqual([{ field: 'id', message: 'id must not contain the NUL character (U+0000)' }]);
    const query = await request(running.catalog.http).get('/v1/products').query({ category: 'Bo\u0000oks' }).expect(400);
    expect(query.body.errors).toEqual([{ field: 'category', message: 'category must not contain the NUL character (U+0000)' }]);
  });

  it.each([
    ['customers', '/v1/customers/{id}', { name: null }, 'name', 'name must be a string'],
    ['catalog', '/v1/products/{id}', { priceCents: null }, 'priceCents', 'priceCents must be an integer number'],
    ['orders', '/v1/orders/{id}', { status: null }, 'status', 'status must be one of the following values: PENDING, PLACED, PAID, SHIPPED, CANCELLED'],
  ] as const)('PATCH %s with a null where a value is required is a 400 naming %s', async (service, route, body, field, message) => {
    const kind = service === 'catalog' ? 'products' : service;
    const path = route.replace('{id}', ids[kind][0]!);
    const before = await fingerprintOf(running[service].db, TABLES[service]);
    const response = await request(running[service].http).patch(path).send(body).expect(400);
    expect(response.body.errors).toContainEqual({ field, message });
    expect(await fingerprintOf(running[service].db, TABLES[service])).toEqual(before);
  });

  it('the largest order the limits allow is stored whole: totals are 64-bit', async () => {
    const lines = Array.from({ length: 100 }, () => ({ productId: ids.products[0]!, quantity: 10_000, unitPriceCents: 100_000_000 }));
    const created = await request(running.orders.http).post('/v1/orders').send({ customerId: ids.customers[0], currency: 'EUR', lines }).expect(201);
    expect(created.body).toMatchObject({ totalCents: 100_000_000_000_000, units: 1_000_000 });
    const [stored] = await running.orders.db.$queryRawUnsafe<Array<{ total: string }>>('SELECT total_cents::text AS total FROM orders WHERE id = $1', created.body.id);
    expect(stored!.total).toBe('100000000000000');
  });

  it('a body nested deeper than any request is a 400, not an exhausted stack', async () => {
    const deep = `{"ids": ${'['.repeat(5000)}"leaf"${']'.repeat(5000)}}`;
    const response = await request(running.customers.http).post('/v1/customers:batchGet').set('content-type', 'application/json').send(deep).expect(400);
    expect(response.body.errors).toEqual([{ field: 'ids[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0]', message: 'ids[0][0][0][0][0][0][0][0][0][0][0][0][0][0][0] nests deeper than 16 levels' }]);
  });
});
