import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { type ServiceUnderTest, startService, TEST_DATA, TestDatabases } from '@tributary/testing';

const databases = new TestDatabases();
let orders: ServiceUnderTest;

beforeAll(async () => {
  orders = await startService(ordersService, databases, { data: TEST_DATA });
});

afterAll(async () => {
  await orders?.close();
  await databases.dropAll();
});

interface Group {
  key: string | null;
  currency: string;
  revenueCents: number;
  orderCount: number;
  units: number;
  customerCount: number;
  firstPlacedAt: string;
  lastPlacedAt: string;
}

const RANGES = [
  { name: 'one month', placedFrom: '2026-03-01T00:00:00Z', placedTo: '2026-04-01T00:00:00Z' },
  { name: 'one year', placedFrom: '2025-11-01T00:00:00Z', placedTo: '2026-11-01T00:00:00Z' },
  { name: 'all time', placedFrom: undefined, placedTo: undefined },
  { name: 'empty (before any order)', placedFrom: '2020-01-01T00:00:00Z', placedTo: '2020-02-01T00:00:00Z' },
];
const NOT_CANCELLED = ['PLACED', 'PAID', 'SHIPPED'];

/**
 * The expected figures, computed test-side in a different way from the service: units
 * and revenue from the lines in correlated subqueries, the rest over plain orders.
 */
async function expectedGroups(groupBy: 'customer' | 'month' | 'none' | 'product', from?: string, to?: string, statuses?: string[]): Promise<Group[]> {
  const params: unknown[] = [from ?? '1970-01-01T00:00:00Z', to ?? '9999-01-01T00:00:00Z', statuses ?? ['PLACED', 'PAID', 'SHIPPED', 'CANCELLED']];
  const filter = `o.placed_at >= $1::timestamptz AND o.placed_at < $2::timestamptz AND o.status::text = ANY($3::text[])`;
  const sql =
    groupBy === 'product'
      ? `SELECT l.product_id AS key, o.currency, SUM(l.quantity * l.unit_price_cents)::float8 AS "revenueCents",
                COUNT(DISTINCT o.id)::int AS "orderCount", SUM(l.quantity)::int AS units, COUNT(DISTINCT o.customer_id)::int AS "customerCount",
                MIN(o.placed_at) AS "firstPlacedAt", MAX(o.placed_at) AS "lastPlacedAt"
         FROM order_lines l, orders o WHERE l.order_id = o.id AND ${filter} GROUP BY 1, 2`
      : `SELECT ${{ customer: 'o.customer_id', month: `to_char(o.placed_at AT TIME ZONE 'UTC', 'YYYY-MM')`, none: 'NULL' }[groupBy]} AS key, o.currency,
                SUM((SELECT SUM(l.quantity * l.unit_price_cents) FROM order_lines l WHERE l.order_id = o.id))::float8 AS "revenueCents",
                COUNT(*)::int AS "orderCount", SUM((SELECT SUM(l.quantity) FROM order_lines l WHERE l.order_id = o.id))::int AS units,
                COUNT(DISTINCT o.customer_id)::int AS "customerCount", MIN(o.placed_at) AS "firstPlacedAt", MAX(o.placed_at) AS "lastPlacedAt"
         FROM orders o WHERE ${filter} GROUP BY 1, 2`;
  const rows = await orders.db.$queryRawUnsafe<Array<Omit<Group, 'firstPlacedAt' | 'lastPlacedAt'> & { firstPlacedAt: Date; lastPlacedAt: Date }>>(sql, ...params);
  return rows.map((row) => ({ ...row, currency: row.currency.trim(), firstPlacedAt: row.firstPlacedAt.toISOString(), lastPlacedAt: row.lastPlacedAt.toISOString() }));
}

const byKey = (a: Group, b: Group) => `${a.key}|${a.currency}`.localeCompare(`${b.key}|${b.currency}`);

async function aggregate(body: Record<string, unknown>): Promise<Group[]> {
  const response = await request(orders.http).post('/v1/orders:aggregate').send(body).expect(200);
  return response.body.groups;
}

describe('POST /v1/orders:aggregate equals an independent SQL computation', () => {
  describe.each(RANGES)('over $name', ({ placedFrom, placedTo }) => {
    it.each(['customer', 'product', 'month', 'none'] as const)('grouped by %s, non-cancelled orders', async (groupBy) => {
      const before = orders.db.queryCount;
      const groups = await aggregate({ groupBy, placedFrom, placedTo, statuses: NOT_CANCELLED });
      expect(orders.db.queryCount - before).toBe(1);
      const expected = await expectedGroups(groupBy, placedFrom, placedTo, NOT_CANCELLED);
      expect([...groups].sort(byKey)).toEqual(expected.sort(byKey));
    });
  });

  // The SQL states a status set as "in these" or "not in the others", whichever is shorter.
  it.each([[['CANCELLED']], [['PAID', 'SHIPPED']], [['PLACED', 'PAID', 'SHIPPED', 'CANCELLED']], [['SHIPPED', 'PLACED', 'CANCELLED']]])('over the statuses %j', async (statuses) => {
    for (const groupBy of ['month', 'customer'] as const) {
      const groups = await aggregate({ groupBy, statuses });
      expect([...groups].sort(byKey)).toEqual((await expectedGroups(groupBy, undefined, undefined, statuses)).sort(byKey));
    }
  });

  it('over all statuses when none are given, and the figures add up across groupings', async () => {
    const [total] = await aggregate({ groupBy: 'none' });
    expect([total]).toEqual(await expectedGroups('none').then((groups) => groups.filter((g) => g.currency === total!.currency)));
    const all = await aggregate({ groupBy: 'none' });
    expect(all.reduce((sum, g) => sum + g.orderCount, 0)).toBe(TEST_DATA.orders);
    const byMonth = await aggregate({ groupBy: 'month' });
    const byProduct = await aggregate({ groupBy: 'product' });
    const sum = (groups: Group[], field: 'revenueCents' | 'units') => groups.reduce((s, g) => s + g[field], 0);
    expect(sum(byMonth, 'revenueCents')).toBe(sum(all, 'revenueCents'));
    expect(sum(byProduct, 'revenueCents')).toBe(sum(all, 'revenueCents'));
    expect(sum(byProduct, 'units')).toBe(sum(all, 'units'));
  });

  it('ranks customers by revenue within each currency and keeps the top `limit` of each', async () => {
    const top = await aggregate({ groupBy: 'customer', limit: 5, placedFrom: '2025-01-01T00:00:00Z', placedTo: '2026-01-01T00:00:00Z', statuses: NOT_CANCELLED });
    const expected = (await expectedGroups('customer', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', NOT_CANCELLED)).sort(
      (a, b) => a.currency.localeCompare(b.currency) || b.revenueCents - a.revenueCents || byKey(a, b),
    );
    const topOf = (currency: string) => expected.filter((group) => group.currency === currency).slice(0, 5);
    expect(top).toEqual([...topOf('EUR'), ...topOf('GBP'), ...topOf('USD')]);
  });

  it('restricts to the given customers', async () => {
    const rows = await orders.db.$queryRawUnsafe<Array<{ customer_id: string }>>('SELECT DISTINCT customer_id FROM orders ORDER BY customer_id LIMIT 3');
    const customerIds = [...rows.map((r) => r.customer_id), 'unknown-customer'];
    const groups = await aggregate({ groupBy: 'customer', customerIds });
    // A customer who bought in two currencies has a group for each.
    expect([...new Set(groups.map((g) => g.key))].sort()).toEqual(customerIds.slice(0, 3).sort());
    const all = await expectedGroups('customer');
    expect([...groups].sort(byKey)).toEqual(all.filter((g) => customerIds.includes(g.key!)).sort(byKey));
  });

  it('computes only the measures asked for, with the same figures', async () => {
    const period = { placedFrom: '2025-01-01T00:00:00Z', placedTo: '2026-01-01T00:00:00Z', statuses: NOT_CANCELLED };
    const full = await aggregate({ groupBy: 'product', ...period });
    const masked = await aggregate({ groupBy: 'product', ...period, measures: ['units'] });
    expect(masked).toEqual(full.map(({ key, currency, revenueCents, units }) => ({ key, currency, revenueCents, units })));
    expect(await aggregate({ groupBy: 'month', ...period, measures: ['customerCount', 'customerCount'] })).toEqual(
      (await aggregate({ groupBy: 'month', ...period })).map(({ key, currency, revenueCents, customerCount }) => ({ key, currency, revenueCents, customerCount })),
    );
  });

  it('refuses an unknown measure, naming the field', async () => {
    const response = await request(orders.http).post('/v1/orders:aggregate').send({ groupBy: 'month', measures: ['profit'] }).expect(400);
    expect(JSON.stringify(response.body)).toContain('measures');
  });

  it('answers an empty list for an empty period', async () => {
    expect(await aggregate({ groupBy: 'month', placedFrom: '2030-01-01T00:00:00Z', placedTo: '2030-02-01T00:00:00Z' })).toEqual([]);
  });
});
