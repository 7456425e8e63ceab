import { DataFactory, problemAnswer } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startGateway, startGatewayOverFakes, type FakeDownstream, type GatewayUnderTest } from '../support/gateway-under-test.js';

/**
 * graphql-jit executes every operation (COMPILED_EXECUTION, on by default): the same
 * documents through graphql-js's interpreter must give byte-for-byte the same answers,
 * partial results and errors at their paths included.
 */
let fakes: FakeDownstream;
let compiled: GatewayUnderTest;
let interpreted: GatewayUnderTest;
let close: () => Promise<void>;
const data = new DataFactory();
const customers = Array.from({ length: 4 }, () => data.customer());
const products = [data.product({ category: 'Books' }), data.product({ category: 'Toys' })];
const orders = customers.flatMap((customer, i) => [
  data.order({ customer, lines: [{ product: products[i % 2]!, quantity: i + 1 }, { product: products[(i + 1) % 2]! }] }),
  data.order({ customer, currency: 'GBP', lines: [{ product: data.product({ id: 'product-gone' }) }] }),
]);

beforeAll(async () => {
  ({ gateway: compiled, fakes, close } = await startGatewayOverFakes());
  expect(compiled.config.compiledExecution).toBe(true);
  interpreted = await startGateway(compiled.config.services, { compiledExecution: false });
  fakes.customers.serveResource('customers', 'customer', customers.slice(1));
  fakes.catalog.serveResource('products', 'product', products);
  fakes.orders.serveResource('orders', 'order', orders);
  fakes.orders.on('POST', '/v1/orders:aggregate', ({ body }) =>
    (body as { groupBy: string }).groupBy === 'month'
      ? problemAnswer(400, 'INVALID_ARGUMENT', 'placedFrom is out of range', [{ field: 'placedFrom', message: 'placedFrom is out of range' }])
      : { body: { groups: customers.map((c, i) => ({ key: c.id, currency: 'EUR', revenueCents: 1000 * (4 - i), orderCount: 2, firstPlacedAt: orders[0]!.placedAt, lastPlacedAt: orders[1]!.placedAt })) } },
  );
});

afterAll(async () => {
  await interpreted?.close();
  await close?.();
});

const DOCUMENTS: Array<[string, string, Record<string, unknown>?]> = [
  ['a page of orders with customers (one unknown) and products (one gone)', '{ orders(first: 10) { edges { cursor node { id totalCents units status placedAt customer { id name } lines { lineNo quantity product { id title } } } } pageInfo { hasNextPage endCursor startCursor } } }'],
  ['fragments and aliases', 'query Page($n: Int!) { first: orders(first: $n) { ...page } second: orders(first: 1) { ...page } } fragment page on OrderConnection { edges { node { id customer { ... on Customer { name } } } } }', { n: 3 }],
  ['a report with its customers', '{ reports { topCustomers(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", limit: 3) { customer { id name } revenueCents orderCount currency } } }'],
  ['a report the service refuses, beside one it answers', '{ reports { salesByMonth(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { month } topCustomers(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { revenueCents } } }'],
  ['an argument the gateway refuses', '{ orders(first: 2000) { edges { node { id } } } }'],
  ['@skip and @include', 'query($with: Boolean!) { orders(first: 2) { edges { node { id customer @include(if: $with) { name } lines @skip(if: $with) { quantity } } } } }', { with: true }],
];

/** Cursors carry their expiry, a few milliseconds apart between the two gateways: compare them by position alone. */
const withoutExpiries = (text: string) => text.replace(/"([a-zA-Z]*[cC]ursor)":"([^".]+)\.[^"]+"/g, (_, field: string, body: string) => `"${field}":"${JSON.stringify(JSON.parse(Buffer.from(body, 'base64url').toString()).p)}"`);

describe('compiled execution', () => {
  it.each(DOCUMENTS)('%s: the same answer as graphql-js', async (_, query, variables) => {
    const [fast, reference] = await Promise.all([graphql(compiled, query, variables), graphql(interpreted, query, variables)]);
    expect(fast.status).toBe(reference.status);
    expect(withoutExpiries(fast.text)).toBe(withoutExpiries(reference.text));
  });
});
