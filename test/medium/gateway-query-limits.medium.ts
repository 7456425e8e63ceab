import { readFileSync } from 'node:fs';
import { GraphQLSchemaHost } from '@nestjs/graphql';
import { DataFactory } from '@tributary/testing';
import { parse } from 'graphql';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../../apps/gateway/src/gateway-app.module.js';
import { COST_ERROR_CODE, queryCost } from '../../apps/gateway/src/limits/query-cost.plugin.js';
import { TRUSTED_DOCUMENTS_FILE } from '../../apps/gateway/src/limits/trusted-document-sources.js';
import { parseTrustedDocumentManifest, sha256Hex, TRUSTED_DOCUMENT_ERROR_CODE, type TrustedDocumentManifest } from '../../apps/gateway/src/limits/trusted-documents.js';
import { graphql, startGateway, startGatewayOverFakes, type FakeDownstream, type GatewayUnderTest } from '../support/gateway-under-test.js';

/**
 * Query limits that no way of writing a document gets around: the cost counts `first`
 * sent as a variable, and with TRUSTED_DOCUMENTS only the manifest's documents run. A
 * refused document must cost no downstream call: both sides count them, the gateway in
 * `extensions.downstream` and each fake service in its own `calls`.
 */
let fakes: FakeDownstream;
let gateway: GatewayUnderTest;
let trusted: GatewayUnderTest;
let manifest: TrustedDocumentManifest;
let close: () => Promise<void>;
const data = new DataFactory();
const customers = Array.from({ length: 3 }, () => data.customer());
const products = [data.product({ category: 'Books' }), data.product({ category: 'Toys' })];
const orders = customers.flatMap((customer) => Array.from({ length: 4 }, (_, i) => data.order({ customer, lines: [{ product: products[i % 2]! }] })));

beforeAll(async () => {
  ({ gateway, fakes, close } = await startGatewayOverFakes());
  manifest = parseTrustedDocumentManifest(JSON.parse(readFileSync(TRUSTED_DOCUMENTS_FILE, 'utf8')), TRUSTED_DOCUMENTS_FILE);
  trusted = await startGateway(gateway.config.services, { trustedDocuments: manifest });
  fakes.customers.serveResource('customers', 'customer', customers);
  fakes.catalog.serveResource('products', 'product', products);
  fakes.orders.serveResource('orders', 'order', orders).on('POST', '/v1/orders:batchGetByCustomer', ({ body }) => ({
    body: { results: (body as { customerIds: string[] }).customerIds.map((customerId) => ({ customerId, orders: orders.filter((order) => order.customerId === customerId) })) },
  }));
});

afterAll(async () => {
  await trusted?.close();
  await close?.();
});

beforeEach(() => {
  for (const fake of [fakes.customers, fakes.orders, fakes.catalog]) fake.resetCalls();
});

const downstreamCalls = () => fakes.customers.calls.length + fakes.orders.calls.length + fakes.catalog.calls.length;
const NO_CALLS = { customers: { calls: 0, keys: 0 }, orders: { calls: 0, keys: 0 }, catalog: { calls: 0, keys: 0 } };

/** 1000 orders with their customers and their lines' products: 61,813. */
const HEAVY_PAGE = `edges { node { id customer { name email } lines { product { title category } } } }`;
const FOUR_PAGES = (first: string) => `{ a: orders(first: ${first}) { ${HEAVY_PAGE} } b: orders(first: ${first}) { ${HEAVY_PAGE} } c: orders(first: ${first}) { ${HEAVY_PAGE} } d: orders(first: ${first}) { ${HEAVY_PAGE} } }`;
const COSTLY_WITH_VARIABLE = `query FourPages($first: Int!) ${FOUR_PAGES('$first')}`;
const COST_MESSAGE = (cost: number) => expect.stringMatching(new RegExp(`^Query cost ${cost} exceeds the limit of ${QUERY_LIMITS.maxCost}\\.`));

describe('cost counts the sizes the operation runs with', () => {
  it('refuses a costly query whose first is a variable, before any downstream call', async () => {
    const response = await graphql(gateway, COSTLY_WITH_VARIABLE, { first: 1000 });
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([{ message: COST_MESSAGE(247_250), extensions: { code: COST_ERROR_CODE, cost: 247_250, maxCost: QUERY_LIMITS.maxCost } }]);
    expect(response.body.extensions.downstream).toEqual(NO_CALLS);
    expect(downstreamCalls()).toBe(0);
  });

  it('answers the same query with a small first, and then the services are called: the counters above count', async () => {
    const response = await graphql(gateway, COSTLY_WITH_VARIABLE, { first: 2 });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.a.edges).toHaveLength(2);
    expect(response.body.extensions.downstream.orders.calls).toBeGreaterThan(0);
    expect(fakes.orders.calls.length).toBeGreaterThan(0);
  });

  it('refuses the query with its first written in it, at the same cost graphql-armor gave it', async () => {
    const response = await graphql(gateway, FOUR_PAGES('1000'));
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ message: COST_MESSAGE(247_250), extensions: expect.objectContaining({ code: COST_ERROR_CODE }) })]);
    expect(downstreamCalls()).toBe(0);
  });

  it('counts a batch list by its number of ids, sent as a variable', async () => {
    const query = `query($ids: [ID!]!) { customers(ids: $ids) { orders(first: 1000) { ${HEAVY_PAGE} } } }`;
    const refused = await graphql(gateway, query, { ids: customers.map((c) => c.id) });
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: COST_ERROR_CODE }) })]);
    expect(downstreamCalls()).toBe(0);
    const answered = await graphql(gateway, query, { ids: [customers[0]!.id] });
    expect(answered.body.errors).toBeUndefined();
    expect(answered.body.data.customers[0].orders.edges).toHaveLength(4);
  });

  it('gives a client that accepts application/json only the same refusal with 200, as for every request error', async () => {
    const response = await request(gateway.http).post('/graphql').set('accept', 'application/json').send({ query: COSTLY_WITH_VARIABLE, variables: { first: 1000 } });
    expect(response.status).toBe(200);
    expect(response.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: COST_ERROR_CODE }) })]);
    expect(downstreamCalls()).toBe(0);
  });

  it('leaves variables that do not coerce to Apollo: BAD_USER_INPUT, no call', async () => {
    const response = await graphql(gateway, COSTLY_WITH_VARIABLE, { first: 'many' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'BAD_USER_INPUT' } })]);
    expect(downstreamCalls()).toBe(0);
  });
});

const YEAR = 'from: "2026-01-01T00:00:00Z", to: "2027-01-01T00:00:00Z"';
const IDS = (n: number) => Array.from({ length: n }, (_, i) => `id-${i}`);

describe('what things cost (limit 200,000)', () => {
  it.each<[string, string, Record<string, unknown>, number]>([
    ['one order page of 1000 with customers and products, as armor counted it', `{ orders(first: 1000) { ${HEAVY_PAGE} } }`, {}, 61_813],
    ['the same, first as a variable', `query($n: Int!) { orders(first: $n) { ${HEAVY_PAGE} } }`, { n: 1000 }, 61_813],
    ['the same through a fragment: fragments cost what their fields cost', `{ orders(first: 1000) { ...page } } fragment page on OrderConnection { ${HEAVY_PAGE} }`, {}, 61_813],
    ['a connection without first: its default, 100', `{ orders { ${HEAVY_PAGE} } }`, {}, 6182],
    ['a nested connection: 1000 customers with 100 orders each', `{ allCustomers(first: 1000) { edges { node { name orders(first: 100) { edges { node { id totalCents } } } } } } }`, {}, 5_497_250],
    ['a field left out by @skip costs nothing', `query($skip: Boolean!) { orders(first: 1000) { edges { node { id customer @skip(if: $skip) { name email } } } } }`, { skip: true }, 12_875],
    ['1000 customers by id', `query($ids: [ID!]!) { customers(ids: $ids) { id name email } }`, { ids: IDS(1000) }, 6500],
    ['1000 products by id', `query($ids: [ID!]!) { products(ids: $ids) { id title category } }`, { ids: IDS(1000) }, 6500],
    ['salesByMonth over a year: 12 rows', `{ reports { salesByMonth(${YEAR}) { month currency revenueCents orderCount customerCount } } }`, {}, 173],
    ['salesByMonth over 2000 years', `{ reports { salesByMonth(from: "0001-01-01T00:00:00Z", to: "2001-01-01T00:00:00Z") { month currency revenueCents orderCount customerCount } } }`, {}, 342_002],
    ['salesByCategory per month over a year', `{ reports { salesByCategory(${YEAR}, groupBy: MONTH) { category currency revenueCents units } } }`, {}, 146],
    ['salesByCategory over a year, not grouped', `{ reports { salesByCategory(${YEAR}) { category currency revenueCents units } } }`, {}, 14],
    ['topCustomers with its default limit, 10', `{ reports { topCustomers(${YEAR}) { customer { name country } revenueCents currency orderCount } } }`, {}, 212],
    ['topCustomers, limit 1000 as a variable', `query($limit: Int) { reports { topCustomers(${YEAR}, limit: $limit) { customer { name country } revenueCents currency orderCount } } }`, { limit: 1000 }, 21_002],
    ['customerSummary of 1000 ids', `query($ids: [ID!]!) { reports { customerSummary(ids: $ids) { customer { id } currency revenueCents orderCount } } }`, { ids: IDS(1000) }, 17_627],
    ['exports with their default first, 20', `{ exports { nodes { id done metadata { state rowsWritten } } hasNextPage } }`, {}, 445],
  ])('%s', (_, query, variables, cost) => {
    const schema = gateway.app.get(GraphQLSchemaHost).schema;
    expect(queryCost({ schema, document: parse(query), variables })).toBe(cost);
  });

  it("every trusted document (the playground's examples, the dashboard's operations over ten years) is well under the limit", () => {
    const schema = gateway.app.get(GraphQLSchemaHost).schema;
    const period = { from: '2016-11-01T00:00:00Z', to: '2026-11-01T00:00:00Z' };
    const variables = { id: 'x', ...period, maxStaleness: 300, currency: null, limit: 10, orders: 100, input: { dataset: 'sales', format: 'CSV', filters: period } };
    const costs = Object.fromEntries(manifest.operations.map((operation) => [operation.name, queryCost({ schema, document: parse(operation.body), variables })]));
    expect(Math.max(...Object.values(costs))).toBeLessThan(QUERY_LIMITS.maxCost / 10);
  });
});

const RECENT_ORDERS = () => manifest.operations.find((operation) => operation.name === 'RecentOrders')!;
const persistedQuery = (sha256Hash: string) => ({ persistedQuery: { version: 1, sha256Hash } });

/** A GET as a browser's fetch would send it; Apollo's CSRF prevention wants the preflight header. */
function get(target: GatewayUnderTest, params: Record<string, unknown>) {
  const search = new URLSearchParams(Object.entries(params).map(([key, value]): [string, string] => [key, typeof value === 'string' ? value : JSON.stringify(value)]));
  return request(target.http).get(`/graphql?${search}`).set('apollo-require-preflight', 'true');
}
const post = (target: GatewayUnderTest, body: Record<string, unknown>) => request(target.http).post('/graphql').set('content-type', 'application/json').send(body);

describe('trusted documents (TRUSTED_DOCUMENTS)', () => {
  it("the committed manifest holds the playground examples and the dashboard's operations", () => {
    expect(manifest.operations.map((operation) => operation.name)).toEqual([
      ...['TopCustomers', 'SalesByMonth', 'SalesByCategory', 'RecentOrders', 'PlaceOrder', 'FollowPlacement'],
      ...['DashboardRevenueByMonth', 'DashboardSalesByCategory', 'DashboardTopCustomers', 'DashboardCustomerSummary', 'DashboardMonthsWithOrders', 'DashboardStartExport', 'DashboardExport', 'DashboardCancelExport'],
    ]);
  });

  it.each([
    ['POST, the text', (body: string) => post(trusted, { query: body })],
    ['POST, the hash alone', (body: string) => post(trusted, { extensions: persistedQuery(sha256Hex(body)) })],
    ['POST, the text and its hash', (body: string) => post(trusted, { query: body, extensions: persistedQuery(sha256Hex(body)) })],
    ['GET, the text', (body: string) => get(trusted, { query: body })],
    ['GET, the hash alone', (body: string) => get(trusted, { extensions: persistedQuery(sha256Hex(body)) })],
  ])('answers a document of the manifest: %s', async (_, send) => {
    const response = await send(RECENT_ORDERS().body);
    expect(response.body.errors).toBeUndefined();
    expect(response.status).toBe(200);
    expect(response.body.data.orders.edges).toHaveLength(orders.length);
    expect(response.body.data.orders.edges[0].node.customer.name).toEqual(expect.any(String));
    expect(fakes.orders.calls.length).toBe(1);
  });

  const OTHER = '{ orders(first: 1) { edges { node { id } } } }';
  it.each([
    ['POST, a document not in it', () => post(trusted, { query: OTHER })],
    ['POST, a manifest document with one more space', () => post(trusted, { query: `${RECENT_ORDERS().body} ` })],
    ['POST, a hash not in it', () => post(trusted, { extensions: persistedQuery(sha256Hex(OTHER)) })],
    ['POST, a document not in it with the hash of one that is', () => post(trusted, { query: OTHER, extensions: persistedQuery(RECENT_ORDERS().id) })],
    ['GET, a document not in it', () => get(trusted, { query: OTHER })],
    ['GET, a hash not in it', () => get(trusted, { extensions: persistedQuery(sha256Hex(OTHER)) })],
  ])('refuses anything else before parsing, with no downstream call: %s', async (_, send) => {
    const response = await send();
    expect(response.status).toBe(400);
    expect(response.body.data).toBeUndefined();
    expect(response.body.errors).toEqual([{ message: expect.stringMatching(/^This gateway accepts trusted documents only, and .+ manifest/), extensions: { code: TRUSTED_DOCUMENT_ERROR_CODE } }]);
    expect(response.body.extensions.downstream).toEqual(NO_CALLS);
    expect(downstreamCalls()).toBe(0);
  });

  it('refuses a document that would not even parse the same way: nothing is parsed', async () => {
    const response = await post(trusted, { query: '{ orders(first: 1) {' });
    expect(response.body.errors).toEqual([expect.objectContaining({ extensions: { code: TRUSTED_DOCUMENT_ERROR_CODE } })]);
  });

  it('takes any document without a manifest: the refusals above come from the setting', async () => {
    const response = await post(gateway, { query: OTHER });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.orders.edges).toHaveLength(1);
  });
});
