import { DataFactory } from '@tributary/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { graphql, startGatewayOverFakes, type FakeDownstream, type GatewayUnderTest } from '../support/gateway-under-test.js';

/**
 * Reports' own logic, with the services faked: the branches seeded demo data never
 * reaches (a customer with orders in two currencies, a sold product the catalog no
 * longer has), against answers the test sets and checks exactly.
 */
let fakes: FakeDownstream;
let gateway: GatewayUnderTest;
let close: () => Promise<void>;
const data = new DataFactory();
const book = data.product({ category: 'Books' });
const toy = data.product({ category: 'Toys', priceCents: 2500 });
const gone = data.product({ id: 'product-deleted' });
const movedAbroad = data.customerWithOrdersInTwoCurrencies(book);
const regular = data.customer();
const regularOrders = [data.order({ customer: regular, lines: [{ product: book, quantity: 3 }] }), data.order({ customer: regular, lines: [{ product: toy }] })];

beforeAll(async () => {
  ({ gateway, fakes, close } = await startGatewayOverFakes());
});

afterAll(async () => {
  await close?.();
});

beforeEach(() => {
  fakes.customers.serveResource('customers', 'customer', [movedAbroad.customer, regular]).resetCalls();
  fakes.catalog.serveResource('products', 'product', [book, toy]).resetCalls();
  fakes.orders.resetCalls();
});

const SUMMARY = `query($ids: [ID!]!) { reports { customerSummary(ids: $ids) { customer { id } currency revenueCents orderCount firstOrderAt lastOrderAt } } }`;

describe('customerSummary', () => {
  it('sums one currency, and for a customer with orders in two gives an error at its entry, the others intact', async () => {
    const groups = [
      ...movedAbroad.orders.map((order) => ({ key: movedAbroad.customer.id, currency: order.currency, revenueCents: order.totalCents, orderCount: 1, firstPlacedAt: order.placedAt, lastPlacedAt: order.placedAt })),
      { key: regular.id, currency: 'EUR', revenueCents: 5500, orderCount: 2, firstPlacedAt: regularOrders[0]!.placedAt, lastPlacedAt: regularOrders[1]!.placedAt },
    ];
    fakes.orders.on('POST', '/v1/orders:aggregate', { body: { groups } });
    const response = await graphql(gateway, SUMMARY, { ids: [regular.id, movedAbroad.customer.id, 'customer-unknown'] });
    expect(response.body.data.reports.customerSummary).toEqual([
      { customer: { id: regular.id }, currency: 'EUR', revenueCents: 5500, orderCount: 2, firstOrderAt: regularOrders[0]!.placedAt, lastOrderAt: regularOrders[1]!.placedAt },
      null,
      null,
    ]);
    expect(response.body.errors).toEqual([
      expect.objectContaining({
        message: `customer ${movedAbroad.customer.id} has orders in several currencies (EUR, GBP): ask with currency to add them up converted`,
        path: ['reports', 'customerSummary', 1],
      }),
    ]);
    // The aggregate asked for counted statuses only, all time, for the distinct ids.
    expect(fakes.orders.calls.map((call) => call.body)).toEqual([
      { groupBy: 'customer', customerIds: [regular.id, movedAbroad.customer.id, 'customer-unknown'], statuses: ['PLACED', 'PAID', 'SHIPPED'], measures: ['orderCount', 'firstPlacedAt', 'lastPlacedAt'] },
    ]);
  });
});

const BY_CATEGORY = `{ reports { salesByCategory(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z") { category currency revenueCents units } } }`;

describe('salesByCategory', () => {
  it('adds up products by their category, and puts a product the catalog no longer has under "Unknown product"', async () => {
    fakes.orders.on('POST', '/v1/orders:aggregate', {
      body: {
        groups: [
          { key: book.id, currency: 'EUR', revenueCents: 3000, units: 3 },
          { key: toy.id, currency: 'EUR', revenueCents: 2500, units: 1 },
          { key: gone.id, currency: 'EUR', revenueCents: 700, units: 7 },
          { key: book.id, currency: 'GBP', revenueCents: 1300, units: 1 },
        ],
      },
    });
    const response = await graphql(gateway, BY_CATEGORY);
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.reports.salesByCategory).toEqual([
      // By currency, then revenue: cents of two currencies are never ranked together.
      { category: 'Books', currency: 'EUR', revenueCents: 3000, units: 3 },
      { category: 'Toys', currency: 'EUR', revenueCents: 2500, units: 1 },
      { category: 'Unknown product', currency: 'EUR', revenueCents: 700, units: 7 },
      { category: 'Books', currency: 'GBP', revenueCents: 1300, units: 1 },
    ]);
    // One call, for the one field the report reads of each product.
    expect(fakes.catalog.calls.map((call) => call.body)).toEqual([{ ids: [book.id, toy.id, gone.id], readMask: 'id,category' }]);
  });

  it('with the catalog refusing its batch, is an error naming the catalog, not a report with every row unknown', async () => {
    fakes.orders.on('POST', '/v1/orders:aggregate', { body: { groups: [{ key: book.id, currency: 'EUR', revenueCents: 3000, units: 3 }] } });
    fakes.catalog.on('POST', '/v1/products:batchGet', { status: 503, body: { code: 'INTERNAL' } });
    const response = await graphql(gateway, BY_CATEGORY);
    expect(response.body.data).toEqual({ reports: null });
    expect(response.body.errors).toEqual([expect.objectContaining({ path: ['reports', 'salesByCategory'], extensions: { code: 'DOWNSTREAM_UNAVAILABLE', service: 'catalog', status: 503 } })]);
  });
});
