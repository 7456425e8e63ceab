import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StockLevel } from '@tributary/contracts';
import { DEFAULT_DEMO_DATA } from '@tributary/demo-data';
import { FOLLOW_PLACEMENT_TAB, PLACE_ORDER_TAB } from '../apps/gateway/src/playground/example-queries.js';
import { graphql, startSystem, type SystemUnderTest } from './support/system-under-test.js';

/**
 * Placing an order through the gateway, over the three real services: the mutation
 * answers at once, the query follows the placement to its end, and the order, the
 * products and the stock are checked at their own services. The customers and
 * products are the demo data's as `npm start` seeds them (fewer orders: the
 * customers and products do not depend on them), so the playground's tabs run as
 * they would there.
 */
const DATA = { ...DEFAULT_DEMO_DATA, orders: 500 };
let system: SystemUnderTest;
let keys = 0;

beforeAll(async () => {
  system = await startSystem(DATA);
});

afterAll(async () => {
  await system?.close();
});

const PLACE = `mutation Place($input: PlaceOrderInput!) {
  placeOrder(input: $input) {
    id idempotencyKey state customerId customer { name } currency
    lines { productId quantity unitPriceCents product { title } }
    totalCents order { id } reason reasonDetail retries lastError deadline createdAt updatedAt
  }
}`;

const FOLLOW = `query Follow($id: ID!, $wait: Int) {
  orderPlacement(id: $id, waitSeconds: $wait) {
    id state reason reasonDetail totalCents
    lines { productId quantity unitPriceCents product { title } }
    order { id status totalCents lines { productId quantity unitPriceCents } }
  }
}`;

interface DemoProduct {
  id: string;
  title: string;
  price: number;
}

const key = () => `gateway-e2e-${process.pid}-${++keys}`;

async function productBySku(sku: string): Promise<DemoProduct> {
  const [product] = await system.catalog.db.$queryRawUnsafe<DemoProduct[]>(`SELECT id, title, price_cents AS price FROM products WHERE sku = $1 AND currency = 'EUR'`, sku);
  expect(product, sku).toBeDefined();
  return product!;
}

async function customer(offset: number): Promise<{ id: string; name: string }> {
  const [row] = await system.customers.db.$queryRawUnsafe<Array<{ id: string; name: string }>>('SELECT id, name FROM customers ORDER BY id LIMIT 1 OFFSET $1', offset);
  expect(row).toBeDefined();
  return row!;
}

const catalogUrl = () => `http://127.0.0.1:${system.catalog.port}`;

async function setStock(productId: string, stockOnHand: number): Promise<void> {
  await request(catalogUrl()).put(`/v1/stockLevels/${productId}`).send({ stockOnHand }).expect(200);
}

async function stockLevels(productIds: string[]): Promise<StockLevel[]> {
  const response = await request(catalogUrl()).post('/v1/stockLevels:batchGet').send({ ids: productIds }).expect(200);
  return (response.body as { results: Array<{ stockLevel: StockLevel }> }).results.map((entry) => entry.stockLevel);
}

async function place(input: Record<string, unknown>) {
  const response = await graphql(system.gateway, PLACE, { input });
  expect(response.body.errors).toBeUndefined();
  return response.body.data.placeOrder;
}

/** The placement once it has ended: one long poll, which answers as soon as it does. */
async function follow(id: string) {
  const response = await graphql(system.gateway, FOLLOW, { id, wait: 20 });
  expect(response.body.errors).toBeUndefined();
  return response;
}

async function orderRow(id: string): Promise<{ status: string; total: number } | undefined> {
  const [row] = await system.orders.db.$queryRawUnsafe<Array<{ status: string; total: number }>>('SELECT status, total_cents::float8 AS total FROM orders WHERE id = $1', id);
  return row;
}

describe('placeOrder, followed with orderPlacement', () => {
  it('answers at once in REQUESTED, then follows the placement to CONFIRMED: the order PLACED at catalog prices, the units sold', async () => {
    const [lamp, kettle] = [await productBySku('SKU-000010'), await productBySku('SKU-000011')];
    const buyer = await customer(10);
    await setStock(lamp.id, 10);
    await setStock(kettle.id, 5);
    const input = { idempotencyKey: key(), customerId: buyer.id, currency: 'EUR', lines: [{ productId: lamp.id, quantity: 3 }, { productId: kettle.id, quantity: 2 }] };

    const requested = await place(input);
    expect(requested).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      idempotencyKey: input.idempotencyKey,
      state: 'REQUESTED',
      customerId: buyer.id,
      customer: { name: buyer.name },
      currency: 'EUR',
      lines: [
        { productId: lamp.id, quantity: 3, unitPriceCents: null, product: { title: lamp.title } },
        { productId: kettle.id, quantity: 2, unitPriceCents: null, product: { title: kettle.title } },
      ],
      totalCents: null,
      order: null,
      reason: null,
      reasonDetail: null,
      retries: 0,
      lastError: null,
      deadline: expect.any(String),
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    expect(Date.parse(requested.deadline)).toBeGreaterThan(Date.parse(requested.createdAt));

    const followed = await follow(requested.id);
    const total = 3 * lamp.price + 2 * kettle.price;
    expect(followed.body.data.orderPlacement).toEqual({
      id: requested.id,
      state: 'CONFIRMED',
      reason: null,
      reasonDetail: null,
      totalCents: total,
      lines: [
        { productId: lamp.id, quantity: 3, unitPriceCents: lamp.price, product: { title: lamp.title } },
        { productId: kettle.id, quantity: 2, unitPriceCents: kettle.price, product: { title: kettle.title } },
      ],
      order: {
        id: requested.id,
        status: 'PLACED',
        totalCents: total,
        lines: [
          { productId: lamp.id, quantity: 3, unitPriceCents: lamp.price },
          { productId: kettle.id, quantity: 2, unitPriceCents: kettle.price },
        ],
      },
    });
    // One long poll, the order by its id, both products in one batch.
    expect(followed.body.extensions.downstream).toEqual({ customers: { calls: 0, keys: 0 }, orders: { calls: 2, keys: 1 }, catalog: { calls: 1, keys: 2 } });
    // At their own services: the order as stored, the units taken off the shelf.
    expect(await orderRow(requested.id)).toEqual({ status: 'PLACED', total });
    expect(await stockLevels([lamp.id, kettle.id])).toEqual([
      { productId: lamp.id, stockOnHand: 7, reserved: 0, committed: 3 },
      { productId: kettle.id, stockOnHand: 3, reserved: 0, committed: 2 },
    ]);

    // The same input again is the same placement, as it is now; the key with other lines is refused.
    expect(await place(input)).toMatchObject({ id: requested.id, state: 'CONFIRMED', totalCents: total, order: { id: requested.id } });
    const reused = await graphql(system.gateway, PLACE, { input: { ...input, lines: [{ productId: lamp.id, quantity: 1 }] } });
    expect(reused.body.data).toEqual({ placeOrder: null });
    expect(reused.body.errors).toEqual([expect.objectContaining({ path: ['placeOrder'], extensions: expect.objectContaining({ code: 'ALREADY_EXISTS', service: 'orders', status: 409 }) })]);
    expect((await stockLevels([lamp.id]))[0]).toEqual({ productId: lamp.id, stockOnHand: 7, reserved: 0, committed: 3 });
  });

  it('more units than on hand end REJECTED, OUT_OF_STOCK: the order CANCELLED, the stock as it was', async () => {
    const radio = await productBySku('SKU-000012');
    const buyer = await customer(11);
    await setStock(radio.id, 3);

    const requested = await place({ idempotencyKey: key(), customerId: buyer.id, currency: 'EUR', lines: [{ productId: radio.id, quantity: 4 }] });
    expect(requested.state).toBe('REQUESTED');
    const followed = (await follow(requested.id)).body.data.orderPlacement;
    expect(followed).toMatchObject({ id: requested.id, state: 'REJECTED', reason: 'OUT_OF_STOCK', totalCents: 4 * radio.price, order: { id: requested.id, status: 'CANCELLED' } });
    expect(followed.reasonDetail).toContain(radio.id);
    expect(followed.lines).toEqual([{ productId: radio.id, quantity: 4, unitPriceCents: radio.price, product: { title: radio.title } }]);
    expect(await orderRow(requested.id)).toEqual({ status: 'CANCELLED', total: 4 * radio.price });
    expect(await stockLevels([radio.id])).toEqual([{ productId: radio.id, stockOnHand: 3, reserved: 0, committed: 0 }]);
  });

  it('an unknown customer ends REJECTED, UNKNOWN_CUSTOMER, before any order is written', async () => {
    const radio = await productBySku('SKU-000013');
    const requested = await place({ idempotencyKey: key(), customerId: 'no-such-customer', currency: 'EUR', lines: [{ productId: radio.id, quantity: 1 }] });
    const followed = (await follow(requested.id)).body.data.orderPlacement;
    expect(followed).toMatchObject({ state: 'REJECTED', reason: 'UNKNOWN_CUSTOMER', order: null });
    expect(await orderRow(requested.id)).toBeUndefined();
  });

  it('orderPlacement of an id no placement has is null', async () => {
    const response = await graphql(system.gateway, FOLLOW, { id: '019b0000-0000-7000-8000-000000000000', wait: 0 });
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data).toEqual({ orderPlacement: null });
  });
});

describe('bad input is BAD_USER_INPUT naming the field and its limit, and reaches no service', () => {
  it.each([
    ['a quantity of 0', { lines: [{ productId: 'p', quantity: 0 }] }, 'lines[0].quantity', 'lines[0].quantity must not be less than 1'],
    ['a quantity above 10,000', { lines: [{ productId: 'p', quantity: 10_001 }] }, 'lines[0].quantity', 'lines[0].quantity must not be greater than 10000'],
    ['no lines', { lines: [] }, 'lines', 'lines must contain at least 1 elements'],
    ['a key with a space', { idempotencyKey: 'two words' }, 'idempotencyKey', 'idempotencyKey must be 1 to 128 letters, digits, dots, colons, dashes or underscores'],
    ['another currency', { currency: 'CHF' }, 'currency', 'currency must be one of the following values: EUR, GBP, USD'],
  ])('%s', async (_, change, field, message) => {
    const before = system.orders.requests.count;
    const input = { idempotencyKey: key(), customerId: 'c', currency: 'EUR', lines: [{ productId: 'p', quantity: 1 }], ...change };
    const response = await graphql(system.gateway, PLACE, { input });
    expect(response.body.data).toEqual({ placeOrder: null });
    expect(response.body.errors).toEqual([expect.objectContaining({ message, path: ['placeOrder'], extensions: { code: 'BAD_USER_INPUT', errors: [{ field, message }] } })]);
    expect(system.orders.requests.count).toBe(before);
  });

  it('waitSeconds above 30', async () => {
    const message = 'waitSeconds must not be greater than 30';
    const response = await graphql(system.gateway, FOLLOW, { id: '019b0000-0000-7000-8000-000000000000', wait: 31 });
    expect(response.body.data).toEqual({ orderPlacement: null });
    expect(response.body.errors).toEqual([expect.objectContaining({ message, extensions: { code: 'BAD_USER_INPUT', errors: [{ field: 'waitSeconds', message }] } })]);
  });
});

describe("the playground's placement tabs, on the demo data as npm start seeds it", () => {
  it('Place an order answers REQUESTED for the demo customer and products; Follow a placement, given its id, sees it CONFIRMED', async () => {
    const placed = await graphql(system.gateway, PLACE_ORDER_TAB.query);
    expect(placed.body.errors).toBeUndefined();
    const placement = placed.body.data.placeOrder;
    const [headphones, compact] = [await productBySku('SKU-000002'), await productBySku('SKU-000004')];
    expect(placement).toEqual({
      id: expect.any(String),
      state: 'REQUESTED',
      customer: { name: 'Olga Silva' },
      lines: [
        { quantity: 2, product: { title: headphones.title, priceCents: headphones.price } },
        { quantity: 1, product: { title: compact.title, priceCents: compact.price } },
      ],
    });

    const variables = { ...(JSON.parse(FOLLOW_PLACEMENT_TAB.variables!) as Record<string, unknown>), id: placement.id };
    const followed = await graphql(system.gateway, FOLLOW_PLACEMENT_TAB.query, variables);
    expect(followed.body.errors).toBeUndefined();
    const total = 2 * headphones.price + compact.price;
    expect(followed.body.data.orderPlacement).toEqual({
      state: 'CONFIRMED',
      reason: null,
      reasonDetail: null,
      totalCents: total,
      lines: [
        { quantity: 2, unitPriceCents: headphones.price, product: { title: headphones.title } },
        { quantity: 1, unitPriceCents: compact.price, product: { title: compact.title } },
      ],
      order: { id: placement.id, status: 'PLACED', totalCents: total, placedAt: expect.any(String) },
    });

    // Run as it opens, with the placeholder id: null, not an error.
    const unedited = await graphql(system.gateway, FOLLOW_PLACEMENT_TAB.query, JSON.parse(FOLLOW_PLACEMENT_TAB.variables!) as Record<string, unknown>);
    expect(unedited.body.errors).toBeUndefined();
    expect(unedited.body.data).toEqual({ orderPlacement: null });
  });
});
