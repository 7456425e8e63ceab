import { setTimeout as sleep } from 'node:timers/promises';
import type { OrderPlacement } from '@tributary/contracts';
import { DataFactory, problemAnswer } from '@tributary/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql, startGatewayOverFakes, type FakeDownstream, type GatewayUnderTest } from '../support/gateway-under-test.js';

/**
 * placeOrder and orderPlacement over fake services: what the gateway sends the orders
 * service, what it makes of each answer, and that a long poll is not taken for a
 * service that hangs.
 */
let fakes: FakeDownstream;
let gateway: GatewayUnderTest;
let close: () => Promise<void>;
const data = new DataFactory();
const customer = data.customer();
const [lamp, kettle] = [data.product({ priceCents: 1250 }), data.product({ priceCents: 399 })];
const PLACEMENT_ID = '019b0000-0000-7000-8000-000000000001';
const order = data.order({ customer, lines: [{ product: lamp, quantity: 3 }, { product: kettle, quantity: 2 }], status: 'PLACED' }, { id: PLACEMENT_ID });
const TIMEOUT_MS = 300;

const requested: OrderPlacement = {
  id: PLACEMENT_ID,
  idempotencyKey: 'checkout-1',
  state: 'REQUESTED',
  customerId: customer.id,
  currency: 'EUR',
  lines: [
    { productId: lamp.id, quantity: 3 },
    { productId: kettle.id, quantity: 2 },
  ],
  retries: 0,
  deadline: '2026-01-01T00:01:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
};
const confirmed: OrderPlacement = {
  ...requested,
  state: 'CONFIRMED',
  lines: [
    { productId: lamp.id, quantity: 3, unitPriceCents: 1250 },
    { productId: kettle.id, quantity: 2, unitPriceCents: 399 },
  ],
  totalCents: 4548,
  orderId: PLACEMENT_ID,
  updatedAt: '2026-01-01T00:00:02.000Z',
};

const PLACE = `mutation($input: PlaceOrderInput!) {
  placeOrder(input: $input) { id state customer { name } lines { quantity unitPriceCents product { title } } totalCents order { id } reason }
}`;
const FOLLOW = `query($id: ID!, $wait: Int) {
  orderPlacement(id: $id, waitSeconds: $wait) { id state totalCents order { id status totalCents } lines { unitPriceCents product { title } } }
}`;
const input = { idempotencyKey: 'checkout-1', customerId: customer.id, currency: 'EUR', lines: [{ productId: lamp.id, quantity: 3 }, { productId: kettle.id, quantity: 2 }] };

beforeAll(async () => {
  ({ gateway, fakes, close } = await startGatewayOverFakes({ downstreamTimeoutMs: TIMEOUT_MS, breakerThreshold: 2 }));
});

afterAll(async () => {
  await close?.();
});

beforeEach(() => {
  fakes.customers.serveResource('customers', 'customer', [customer]).resetCalls();
  fakes.catalog.serveResource('products', 'product', [lamp, kettle]).resetCalls();
  fakes.orders.serveResource('orders', 'order', [order]).resetCalls();
});

describe('placeOrder', () => {
  it('sends the input as the contract request and answers the placement with its customer and products; no order yet', async () => {
    fakes.orders.on('POST', '/v1/orderPlacements', { status: 202, body: requested });
    const response = await graphql(gateway, PLACE, { input });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.placeOrder).toEqual({
      id: PLACEMENT_ID,
      state: 'REQUESTED',
      customer: { name: customer.name },
      lines: [
        { quantity: 3, unitPriceCents: null, product: { title: lamp.title } },
        { quantity: 2, unitPriceCents: null, product: { title: kettle.title } },
      ],
      totalCents: null,
      order: null,
      reason: null,
    });
    expect(fakes.orders.calls).toEqual([expect.objectContaining({ method: 'POST', path: '/v1/orderPlacements', body: input })]);
  });

  it('a replayed key answered 200 gives the placement as it is now', async () => {
    fakes.orders.on('POST', '/v1/orderPlacements', { status: 200, body: confirmed });
    const response = await graphql(gateway, PLACE, { input });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.placeOrder).toMatchObject({ state: 'CONFIRMED', totalCents: 4548, order: { id: PLACEMENT_ID } });
  });

  it('is resent after a 503: the idempotency key makes that safe', async () => {
    let calls = 0;
    fakes.orders.on('POST', '/v1/orderPlacements', () => (++calls === 1 ? { status: 503, body: {} } : { status: 202, body: requested }));
    const response = await graphql(gateway, PLACE, { input });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.placeOrder.state).toBe('REQUESTED');
    expect(calls).toBe(2);
  });

  it.each([
    [409, 'ALREADY_EXISTS', 'ALREADY_EXISTS', []],
    [400, 'INVALID_ARGUMENT', 'BAD_USER_INPUT', [{ field: 'lines[0].productId', message: 'lines[0].productId must be shorter than or equal to 64 characters' }]],
  ])("the orders service's %i %s is %s, sent once", async (status, problemCode, code, violations) => {
    fakes.orders.on('POST', '/v1/orderPlacements', problemAnswer(status, problemCode, 'refused by the orders service', violations));
    const response = await graphql(gateway, PLACE, { input });
    expect(response.body.data).toEqual({ placeOrder: null });
    expect(response.body.errors).toEqual([
      {
        message: 'orders: refused by the orders service',
        locations: [expect.any(Object)],
        path: ['placeOrder'],
        extensions: { code, service: 'orders', status, errors: violations },
      },
    ]);
    expect(fakes.orders.calls).toHaveLength(1);
  });

  it.each([
    ['an empty idempotency key', { idempotencyKey: '' }, 'idempotencyKey', 'idempotencyKey must be 1 to 128 letters, digits, dots, colons, dashes or underscores'],
    ['a key with a space', { idempotencyKey: 'check out' }, 'idempotencyKey', 'idempotencyKey must be 1 to 128 letters, digits, dots, colons, dashes or underscores'],
    ['another currency', { currency: 'JPY' }, 'currency', 'currency must be one of the following values: EUR, GBP, USD'],
    ['no lines', { lines: [] }, 'lines', 'lines must contain at least 1 elements'],
    ['101 lines', { lines: Array.from({ length: 101 }, () => ({ productId: lamp.id, quantity: 1 })) }, 'lines', 'lines must contain no more than 100 elements'],
    ['a quantity of 0', { lines: [{ productId: lamp.id, quantity: 0 }] }, 'lines[0].quantity', 'lines[0].quantity must not be less than 1'],
    ['a quantity above 10,000', { lines: [{ productId: lamp.id, quantity: 10_001 }] }, 'lines[0].quantity', 'lines[0].quantity must not be greater than 10000'],
    ['an empty customer id', { customerId: '' }, 'customerId', 'customerId should not be empty'],
  ])('%s is BAD_USER_INPUT naming the field and its limit, and reaches no service', async (_, change, field, message) => {
    const response = await graphql(gateway, PLACE, { input: { ...input, ...change } });
    expect(response.body.data).toEqual({ placeOrder: null });
    expect(response.body.errors).toEqual([expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT', errors: [{ field, message }] } })]);
    expect(fakes.orders.calls).toEqual([]);
  });
});

describe('orderPlacement', () => {
  it('asks for the wait, and resolves the order once there is one', async () => {
    fakes.orders.on('GET', `/v1/orderPlacements/${PLACEMENT_ID}`, { body: confirmed });
    const response = await graphql(gateway, FOLLOW, { id: PLACEMENT_ID, wait: 5 });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.orderPlacement).toEqual({
      id: PLACEMENT_ID,
      state: 'CONFIRMED',
      totalCents: 4548,
      order: { id: PLACEMENT_ID, status: 'PLACED', totalCents: order.totalCents },
      lines: [
        { unitPriceCents: 1250, product: { title: lamp.title } },
        { unitPriceCents: 399, product: { title: kettle.title } },
      ],
    });
    expect(fakes.orders.calls.map(({ method, path, query }) => `${method} ${path}${query.size ? `?${query}` : ''}`)).toEqual([
      `GET /v1/orderPlacements/${PLACEMENT_ID}?waitSeconds=5`,
      'POST /v1/orders:batchGet',
    ]);
  });

  it('waits 0 seconds unless told', async () => {
    fakes.orders.on('GET', `/v1/orderPlacements/${PLACEMENT_ID}`, { body: requested });
    const response = await graphql(gateway, FOLLOW, { id: PLACEMENT_ID });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.orderPlacement).toMatchObject({ state: 'REQUESTED', order: null });
    expect(fakes.orders.calls[0]!.query.get('waitSeconds')).toBe('0');
  });

  it('is null, without an error, when the orders service has no such placement', async () => {
    const response = await graphql(gateway, FOLLOW, { id: 'no-such-placement' });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ orderPlacement: null });
  });

  it('a long poll may take longer than the downstream timeout: its wait is added, so it is neither cut nor resent, and opens no circuit', async () => {
    fakes.orders.on('GET', `/v1/orderPlacements/${PLACEMENT_ID}`, async () => {
      await sleep(TIMEOUT_MS * 2);
      return { body: confirmed };
    });
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await graphql(gateway, FOLLOW, { id: PLACEMENT_ID, wait: 1 });
      expect(response.body.errors).toBeUndefined();
      expect(response.body.data.orderPlacement.state).toBe('CONFIRMED');
    }
    expect(fakes.orders.calls.filter((call) => call.method === 'GET')).toHaveLength(3);
  });

  it('without a wait, the same slow answer is cut at the timeout and sent again, which is what the check above tells apart', async () => {
    let calls = 0;
    fakes.orders.on('GET', `/v1/orderPlacements/${PLACEMENT_ID}`, async () => {
      if (++calls === 1) await sleep(TIMEOUT_MS * 2);
      return { body: confirmed };
    });
    const response = await graphql(gateway, FOLLOW, { id: PLACEMENT_ID, wait: 0 });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.orderPlacement.state).toBe('CONFIRMED');
    expect(calls).toBe(2);
  });

  it.each([
    [-1, 'waitSeconds must not be less than 0'],
    [31, 'waitSeconds must not be greater than 30'],
  ])('waitSeconds %i is BAD_USER_INPUT naming it, and reaches no service', async (wait, message) => {
    const response = await graphql(gateway, FOLLOW, { id: PLACEMENT_ID, wait });
    expect(response.body.data).toEqual({ orderPlacement: null });
    expect(response.body.errors).toEqual([expect.objectContaining({ message, path: ['orderPlacement'], extensions: { code: 'BAD_USER_INPUT', errors: [{ field: 'waitSeconds', message }] } })]);
    expect(fakes.orders.calls).toEqual([]);
  });
});
