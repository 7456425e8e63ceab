import { DataFactory, problemAnswer } from '@tributary/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql, startGatewayOverFakes, type FakeDownstream, type GatewayUnderTest } from '../support/gateway-under-test.js';

/**
 * What the gateway makes of the answers a service rarely gives: a 4xx problem is the
 * client's mistake and reaches it as that problem's GraphQL code (not as an outage),
 * a 200 that is not the contract's is an error at the fields that needed it, and a
 * cursor works only on the connection that made it.
 */
let fakes: FakeDownstream;
let gateway: GatewayUnderTest;
let close: () => Promise<void>;
const data = new DataFactory();
const customers = Array.from({ length: 5 }, () => data.customer());
const book = data.product();
const orders = customers.map((customer) => data.order({ customer, lines: [{ product: book }] }));

beforeAll(async () => {
  ({ gateway, fakes, close } = await startGatewayOverFakes({ breakerThreshold: 2 }));
});

afterAll(async () => {
  await close?.();
});

beforeEach(() => {
  fakes.customers.serveResource('customers', 'customer', customers).resetCalls();
  fakes.catalog.serveResource('products', 'product', [book]).resetCalls();
  fakes.orders.serveResource('orders', 'order', orders).resetCalls();
});

const TOP = `{ reports { topCustomers(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { revenueCents } } }`;

describe("a service's 4xx problem reaches the client as its code's GraphQL error", () => {
  it.each([
    [400, 'INVALID_ARGUMENT', 'BAD_USER_INPUT'],
    [400, 'INVALID_PAGE_TOKEN', 'BAD_USER_INPUT'],
    [400, 'PAYLOAD_TOO_LARGE', 'BAD_USER_INPUT'],
    [404, 'NOT_FOUND', 'NOT_FOUND'],
    [409, 'ALREADY_EXISTS', 'ALREADY_EXISTS'],
    [418, 'TEAPOT', 'DOWNSTREAM_FAILED'],
  ])('%i %s → %s, sent once, no circuit opened', async (status, problemCode, graphqlCode) => {
    const violations = [{ field: 'placedFrom', message: 'placedFrom must be an ISO-8601 date-time such as 2026-01-31T00:00:00Z' }];
    fakes.orders.on('POST', '/v1/orders:aggregate', problemAnswer(status, problemCode, 'the orders service refused it', violations));
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await graphql(gateway, TOP);
      expect(response.body.data).toEqual({ reports: null });
      expect(response.body.errors).toEqual([
        {
          message: 'orders: the orders service refused it',
          locations: [expect.any(Object)],
          path: ['reports', 'topCustomers'],
          extensions: { code: graphqlCode, service: 'orders', status, ...(graphqlCode === 'DOWNSTREAM_FAILED' ? {} : { errors: violations }) },
        },
      ]);
    }
    // Not retried, and three refusals in a row (the breaker opens after two failures) opened nothing.
    expect(fakes.orders.calls.filter((call) => call.path === '/v1/orders:aggregate')).toHaveLength(3);
  });

  it('a 4xx whose body is not a problem document is DOWNSTREAM_FAILED with the status', async () => {
    fakes.orders.on('POST', '/v1/orders:aggregate', { status: 400, raw: '<html>Bad Request</html>', contentType: 'text/html' });
    const response = await graphql(gateway, TOP);
    expect(response.body.errors).toEqual([expect.objectContaining({ message: 'orders: answered 400', extensions: { code: 'DOWNSTREAM_FAILED', service: 'orders', status: 400 } })]);
  });
});

describe('a 200 that is not the contract’s is an error, never undefined', () => {
  const ORDERS = `{ orders(first: 3) { edges { node { id customer { id } } } } }`;

  it('a body that is not JSON', async () => {
    fakes.customers.on('POST', '/v1/customers:batchGet', { status: 200, raw: '{"results": [', contentType: 'application/json' });
    const response = await graphql(gateway, ORDERS);
    expect(response.body.data.orders.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(orders.slice(0, 3).map((o) => o.id));
    expect(response.body.data.orders.edges.map((e: { node: { customer: unknown } }) => e.node.customer)).toEqual([null, null, null]);
    expect(response.body.errors).toHaveLength(3);
    for (const [index, error] of response.body.errors.entries()) {
      expect(error).toMatchObject({ message: 'customers: answered 200 with a body that is not JSON', path: ['orders', 'edges', index, 'node', 'customer'], extensions: { code: 'DOWNSTREAM_FAILED', service: 'customers' } });
    }
  });

  it('JSON without the array the method answers with', async () => {
    fakes.orders.on('GET', '/v1/orders', { body: { items: [] } });
    const response = await graphql(gateway, ORDERS);
    expect(response.body.data).toEqual({ orders: null });
    expect(response.body.errors).toEqual([
      expect.objectContaining({ message: 'orders: answered 200 without the orders array of GET /v1/orders', path: ['orders'], extensions: { code: 'DOWNSTREAM_FAILED', service: 'orders', status: 200 } }),
    ]);
  });
});

describe('cursors', () => {
  const pageOf = async (query: string, after?: string) => (await graphql(gateway, query, { after })).body;
  const ORDERS_PAGE = `query($after: String) { orders(first: 2, after: $after) { edges { node { id } } pageInfo { endCursor } } }`;
  const PAID_PAGE = `query($after: String) { orders(first: 2, after: $after, filter: { status: PAID }) { edges { node { id } } } }`;
  const CUSTOMERS_PAGE = `query($after: String) { allCustomers(first: 2, after: $after) { edges { node { id } } pageInfo { endCursor } } }`;

  it('continue their own connection', async () => {
    const first = await pageOf(ORDERS_PAGE);
    const second = await pageOf(ORDERS_PAGE, first.data.orders.pageInfo.endCursor);
    expect(second.errors).toBeUndefined();
    expect(second.data.orders.edges.map((e: { node: { id: string } }) => e.node.id)).toEqual(orders.slice(2, 4).map((o) => o.id));
  });

  it.each([
    ['another connection', CUSTOMERS_PAGE, ORDERS_PAGE],
    ['the same connection with another filter', ORDERS_PAGE, PAID_PAGE],
  ])('are BAD_USER_INPUT naming after when used on %s, and nothing is called', async (_, from, to) => {
    const cursor = ((await pageOf(from)).data as Record<string, { pageInfo: { endCursor: string } }>);
    const endCursor = Object.values(cursor)[0]!.pageInfo.endCursor;
    fakes.orders.resetCalls();
    const response = await pageOf(to, endCursor);
    expect(response.data).toEqual({ orders: null });
    const message = 'after is a cursor of another connection or of other arguments: repeat the arguments of the first page, or start again without after';
    expect(response.errors).toEqual([expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT', errors: [{ field: 'after', message }] } })]);
    expect(fakes.orders.calls).toEqual([]);
  });

  it('whose service page token has expired are BAD_USER_INPUT naming after', async () => {
    const first = await pageOf(ORDERS_PAGE);
    fakes.orders.on('GET', '/v1/orders', ({ query }) =>
      query.has('pageToken')
        ? problemAnswer(400, 'INVALID_PAGE_TOKEN', 'pageToken has expired: start again without pageToken', [{ field: 'pageToken', message: 'pageToken has expired: start again without pageToken' }])
        : { body: { orders } },
    );
    const response = await pageOf(ORDERS_PAGE, first.data.orders.pageInfo.endCursor);
    const message = 'after no longer continues its connection (orders: pageToken has expired: start again without pageToken): start again without after';
    expect(response.errors).toEqual([expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT', errors: [{ field: 'after', message }] } })]);
  });
});
