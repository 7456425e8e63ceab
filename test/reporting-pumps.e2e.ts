import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PumpBatch, TableReconciliation } from '@tributary/contracts';
import { TEST_DATA } from '@tributary/testing';
import { KEEP_UPDATED_AT } from '@tributary/database';
import { ReportingDatabase } from '../apps/reporting/src/database/reporting-database.js';
import { IngestService } from '../apps/reporting/src/ingest/ingest.service.js';
import { startSystem, type ReportingUnderTest, type SystemUnderTest } from './support/system-under-test.js';

/**
 * The batch pumps, end to end: each service's pump reads its own database, the
 * reporting app applies what they deliver, and reconciliation compares both sides
 * with their own SQL.
 */
let system: SystemUnderTest;
let reporting: ReportingUnderTest;

beforeAll(async () => {
  system = await startSystem(TEST_DATA, {}, { reporting: true });
  reporting = system.reporting!;
  await reporting.pumpAll();
});

afterAll(async () => {
  await system?.close();
});

const store = () => reporting.service.db;

async function reconciliation(): Promise<TableReconciliation[]> {
  const response = await request(reporting.service.http).get('/v1/reconciliation').expect(200);
  return response.body.tables;
}

async function expectStoreEqualsSources() {
  const tables = await reconciliation();
  expect(tables.map((t) => ({ table: t.table, difference: t.countDifference, matches: t.matches }))).toEqual([
    { table: 'customers', difference: 0, matches: true },
    { table: 'products', difference: 0, matches: true },
    { table: 'orders', difference: 0, matches: true },
    { table: 'rates', difference: 0, matches: true },
  ]);
  return tables;
}

/** The orders service's rates: none until some are loaded (or seeded). */
async function sourceRateCount(): Promise<number> {
  const [{ count }] = await system.orders.db.$queryRawUnsafe<Array<{ count: number }>>(`SELECT count(*)::int AS count FROM rates`);
  return count;
}

describe('the batch pumps fill the reporting store', () => {
  it('delivers every row of every service, and reconciliation shows no difference', async () => {
    const tables = await expectStoreEqualsSources();
    expect(tables.map((t) => t.store.count)).toEqual([TEST_DATA.customers, TEST_DATA.products, TEST_DATA.orders, await sourceRateCount()]);
  });

  it('publishes the rows in reporting_v1 as the services hold them, orders with their lines', async () => {
    const sourceCustomers = await system.customers.db.$queryRawUnsafe(`SELECT id, name, email, country, created_at, updated_at FROM customers ORDER BY id`);
    expect(await store().$queryRawUnsafe(`SELECT id, name, email, country, created_at, updated_at FROM reporting_v1.customers ORDER BY id`)).toEqual(sourceCustomers);
    const sourceLines = await system.orders.db.$queryRawUnsafe<unknown[]>(`SELECT order_id, line_no, product_id, quantity, unit_price_cents FROM order_lines ORDER BY order_id, line_no`);
    expect(await store().$queryRawUnsafe(`SELECT order_id, line_no, product_id, quantity, unit_price_cents FROM reporting_v1.order_lines ORDER BY order_id, line_no`)).toEqual(sourceLines);
    const [sales] = await store().$queryRawUnsafe<Array<{ lines: bigint; named: bigint; categorised: bigint }>>(
      `SELECT count(*) AS lines, count(customer_name) AS named, count(category) AS categorised FROM reporting_v1.sales`,
    );
    expect(sales).toEqual({ lines: BigInt(sourceLines.length), named: BigInt(sourceLines.length), categorised: BigInt(sourceLines.length) });
  });

  it('delivers updates as their new version on the next run, and only them', async () => {
    const [customer] = await system.customers.db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM customers ORDER BY id LIMIT 1`);
    const [order] = await system.orders.db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM orders WHERE status = 'PLACED' ORDER BY id LIMIT 1`);
    await request(system.customers.http).patch(`/v1/customers/${customer!.id}`).send({ name: 'Renamed For The Store' }).expect(200);
    await request(system.orders.http).patch(`/v1/orders/${order!.id}`).send({ status: 'CANCELLED' }).expect(200);

    const runs = await reporting.pumpAll();
    expect(Object.fromEntries(runs.map((r) => [r.table, r.rowsApplied]))).toEqual({ customers: 1, products: 0, orders: 1, rates: 0 });
    expect(await store().$queryRawUnsafe(`SELECT name FROM reporting_v1.customers WHERE id = $1`, customer!.id)).toEqual([{ name: 'Renamed For The Store' }]);
    expect(await store().$queryRawUnsafe(`SELECT status FROM reporting_v1.orders WHERE id = $1`, order!.id)).toEqual([{ status: 'CANCELLED' }]);
    await expectStoreEqualsSources();
  });

  it('says how fresh each table is: watermarks of seconds ago, every row counted', async () => {
    const before = Date.now();
    await reporting.pumpAll();
    const response = await request(reporting.service.http).get('/v1/freshness').expect(200);
    for (const table of response.body.tables) {
      expect(Date.parse(table.watermark)).toBeGreaterThanOrEqual(before - 1000);
      expect(table.lagSeconds).toBeLessThan(60);
    }
    expect(response.body.tables.map((t: { table: string; rowsPumped: number }) => [t.table, t.rowsPumped])).toEqual([
      ['customers', TEST_DATA.customers + 1],
      ['products', TEST_DATA.products],
      ['orders', TEST_DATA.orders + 1],
      ['rates', await sourceRateCount()],
    ]);
  });
});

describe('applying is idempotent: a batch twice, or a pump that fails mid-batch, ends equal to the source', () => {
  it('a batch applied a second time changes nothing', async () => {
    const checkpoint = (await request(reporting.service.http).get('/v1/pumps/customers/checkpoint').expect(200)).body;
    const rows = await store().$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT id, name || ' (stale)' AS name, email, country, to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "createdAt",
              to_char(version AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS version FROM reporting_store.customers ORDER BY id LIMIT 50`,
    );
    const batch: PumpBatch = { rows: rows as never, checkpoint: { horizon: checkpoint.horizon, watermark: checkpoint.watermark } };
    // The same versions again (here with other names, as a replayed stale batch would carry): nothing is applied.
    const again = await request(reporting.service.http).post('/v1/pumps/customers:ingest').send(batch).expect(200);
    expect(again.body).toEqual({ applied: 0, unchanged: 50 });
    await expectStoreEqualsSources();
  });

  it.each(['before-commit', 'after-commit'] as const)('a full reload that fails %s of its third batch, then runs again, loses and doubles nothing', async (step) => {
    const ingest = reporting.service.app.get(IngestService);
    let batches = 0;
    ingest.faultHook = (at, table) => {
      if (table === 'orders' && at === step && ++batches === 3) throw new Error(`injected failure ${step}`);
    };
    const pump = reporting.pumps.orders;
    const pageSize = 500;
    try {
      await expect(pump.runAll({ full: true, pageSize })).rejects.toThrow(/answered POST \/v1\/pumps\/orders:ingest with 500/);
    } finally {
      ingest.faultHook = undefined;
    }
    const checkpoint = (await request(reporting.service.http).get('/v1/pumps/orders/checkpoint').expect(200)).body;
    // Rolled back: the checkpoint of batch 2 stands. Committed: batch 3's.
    expect(checkpoint.run.afterId).toBeDefined();
    const [resumed] = await pump.runAll({ pageSize });
    expect(resumed!.rowsRead).toBe(TEST_DATA.orders - (step === 'before-commit' ? 2 : 3) * pageSize);
    await expectStoreEqualsSources();
  });
});

describe.skipIf(!process.env.TEST_DATABASE_URL)('a late commit is never skipped (PostgreSQL: a transaction held open across pump runs)', () => {
  it('delivers a row whose transaction commits after later ones, with an updatedAt older than everything delivered', async () => {
    const [late, early] = await system.customers.db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM customers ORDER BY id DESC LIMIT 2`);
    const client = new pg.Client({ connectionString: system.customers.config.database.url });
    await client.connect();
    try {
      await client.query('BEGIN');
      // Stamped an hour ago and kept, as a bulk load may keep its own: the pump reads by
      // transaction, not by time, so not even the database's own stamp is relied on here.
      await client.query(KEEP_UPDATED_AT);
      await client.query(`UPDATE customers SET name = 'Committed Late', updated_at = now() - interval '1 hour' WHERE id = $1`, [late!.id]);
      await request(system.customers.http).patch(`/v1/customers/${early!.id}`).send({ name: 'Committed Early' }).expect(200);
      for (let run = 0; run < 3; run++) await reporting.pumps.customers.runAll();
      // Neither is delivered yet: the open transaction holds the horizon, and the lag shows it.
      expect(await store().$queryRawUnsafe(`SELECT name FROM reporting_v1.customers WHERE id = ANY($1::text[]) ORDER BY name`, [late!.id, early!.id])).not.toContainEqual({ name: 'Committed Late' });
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
    await reporting.pumps.customers.runAll();
    expect(await store().$queryRawUnsafe(`SELECT name FROM reporting_v1.customers WHERE id = ANY($1::text[]) ORDER BY name`, [late!.id, early!.id])).toEqual([
      { name: 'Committed Early' },
      { name: 'Committed Late' },
    ]);
    await expectStoreEqualsSources();
  });

  it("is not held back by a transaction open in another service's database on the same server", async () => {
    const [customer] = await system.customers.db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM customers ORDER BY id LIMIT 1`);
    const orders = new pg.Client({ connectionString: system.orders.config.database.url });
    await orders.connect();
    try {
      await orders.query('BEGIN');
      await orders.query(`UPDATE orders SET updated_at = now() WHERE id = (SELECT id FROM orders ORDER BY id LIMIT 1)`);
      await request(system.customers.http).patch(`/v1/customers/${customer!.id}`).send({ name: 'Beside A Long Transaction' }).expect(200);
      await reporting.pumps.customers.runAll();
      expect(await store().$queryRawUnsafe(`SELECT name FROM reporting_v1.customers WHERE id = $1`, customer!.id)).toEqual([{ name: 'Beside A Long Transaction' }]);
    } finally {
      await orders.query('ROLLBACK');
      await orders.end();
    }
  });
});

if (!process.env.TEST_DATABASE_URL) console.log('reporting-pumps: the late-commit test needs PostgreSQL (TEST_DATABASE_URL); PGlite runs one transaction at a time');

describe("each table's pump writes as a role of its own", () => {
  const asPump = async (table: string, sql: string) => {
    try {
      await reporting.service.app.get(ReportingDatabase).$transaction(async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL ROLE "${reporting.roles.find((r) => r.endsWith(`_${table}`))}"`);
        await tx.$executeRawUnsafe(sql);
      });
      return 'ran';
    } catch (error) {
      return /permission denied|row-level security/.test(String(error)) ? 'refused' : String(error);
    }
  };

  it("may write its own table and checkpoint, and neither another table nor another pump's checkpoint", async () => {
    expect(await asPump('customers', `UPDATE reporting_store.customers SET name = name WHERE false`)).toBe('ran');
    expect(await asPump('customers', `UPDATE reporting_store.pump_checkpoints SET updated_at = now() WHERE "table" = 'customers'`)).toBe('ran');
    expect(await asPump('customers', `UPDATE reporting_store.orders SET status = 'CANCELLED'`)).toBe('refused');
    expect(await asPump('customers', `DELETE FROM reporting_store.customers`)).toBe('refused');
    expect(await asPump('products', `INSERT INTO reporting_store.pump_checkpoints ("table", horizon, updated_at) VALUES ('orders', 0, now())`)).toBe('refused');
    expect(await asPump('rates', `UPDATE reporting_store.rates SET source = source WHERE false`)).toBe('ran');
    expect(await asPump('rates', `UPDATE reporting_store.orders SET status = 'CANCELLED'`)).toBe('refused');
    expect(await asPump('orders', `UPDATE reporting_store.rates SET rate = 1`)).toBe('refused');
    // Another pump's checkpoint is invisible to it: the update finds no row.
    await asPump('products', `UPDATE reporting_store.pump_checkpoints SET horizon = 0 WHERE "table" = 'orders'`);
    const checkpoint = (await request(reporting.service.http).get('/v1/pumps/orders/checkpoint').expect(200)).body;
    expect(Number(checkpoint.horizon)).toBeGreaterThan(0);
    await expectStoreEqualsSources();
  });
});

/** A decimal string as an integer and its power of ten: '1.0856' is 10856 / 10^4. */
function decimalOf(text: string): { units: bigint; scale: bigint } {
  const [whole, fraction = ''] = text.split('.');
  return { units: BigInt(whole! + fraction), scale: 10n ** BigInt(fraction.length) };
}

/** `amount` minor units of a currency at `rate` per EUR, in EUR minor units: amount × 1 / rate, rounded half to even. */
function toBaseCents(amount: bigint, rate: string): bigint {
  const { units, scale } = decimalOf(rate);
  const numerator = amount * scale;
  const quotient = numerator / units;
  const twiceRemainder = 2n * (numerator % units);
  if (twiceRemainder > units) return quotient + 1n;
  if (twiceRemainder === units) return quotient % 2n === 0n ? quotient : quotient + 1n;
  return quotient;
}

describe('exchange rates: pumped into reporting_v1.rates, and each sale in EUR', () => {
  // Weekdays only, as the ECB publishes: 2025-01-06 (a Monday) to the end of the orders. Some rates make ties (0.4, 0.8, 2).
  const USD = ['1.0856', '0.4', '1.1', '2', '1.0123456789', '1.0731'];
  const GBP = ['0.8563', '0.8', '0.86', '0.4', '0.8412345678', '2'];
  const SATURDAY = '2026-10-24';
  const SUNDAY = '2026-10-25';
  const FRIDAY = '2026-10-23';
  const BEFORE_ANY_RATE = '2000-01-04';
  const moved = { usd: '', gbp: '', eur: '', early: '' };
  let loaded = 0;

  beforeAll(async () => {
    const days: string[] = [];
    for (let day = Date.parse('2025-01-06T00:00:00Z'); day < Date.parse('2026-11-02T00:00:00Z'); day += 86_400_000) {
      if (![0, 6].includes(new Date(day).getUTCDay())) days.push(new Date(day).toISOString().slice(0, 10));
    }
    const rows = days.flatMap((day, i) => [
      [day, 'USD', USD[i % USD.length]!],
      [day, 'GBP', GBP[(i * 7) % GBP.length]!],
    ]);
    await system.orders.db.$queryRawUnsafe(
      `INSERT INTO rates (id, date, currency, rate, source)
       SELECT d || ':' || c, d::date, c, r::numeric, 'test' FROM unnest($1::text[], $2::text[], $3::text[]) AS t(d, c, r)
       ON CONFLICT (id) DO UPDATE SET rate = excluded.rate, source = excluded.source`,
      rows.map((r) => r[0]),
      rows.map((r) => r[1]),
      rows.map((r) => r[2]),
    );
    loaded = rows.length;
    // An order of each currency moved to a weekend, at a time of day that is Sunday in UTC and Monday in Berlin; another before any rate.
    const moves = [
      ['USD', `${SATURDAY}T12:00:00Z`, 'usd'],
      ['GBP', `${SUNDAY}T23:30:00Z`, 'gbp'],
      ['EUR', `${SUNDAY}T23:30:00Z`, 'eur'],
      ['USD', `${BEFORE_ANY_RATE}T10:00:00Z`, 'early'],
    ] as const;
    for (const [currency, at, key] of moves) {
      const [order] = await system.orders.db.$queryRawUnsafe<Array<{ id: string }>>(
        `UPDATE orders SET placed_at = $2::timestamptz WHERE id = (SELECT id FROM orders WHERE currency = $1 AND id <> ALL($3::text[]) ORDER BY id LIMIT 1) RETURNING id`,
        currency,
        at,
        Object.values(moved).filter(Boolean),
      );
      moved[key] = order!.id;
    }
  });

  it('delivers the rates the orders service holds to reporting_v1.rates on the next run', async () => {
    const runs = await reporting.pumpAll();
    expect(Object.fromEntries(runs.map((r) => [r.table, r.rowsApplied]))).toMatchObject({ orders: 4, rates: loaded });
    const columns = `to_char(date, 'YYYY-MM-DD') AS date, currency, rate::text AS rate, source, updated_at`;
    const source = await system.orders.db.$queryRawUnsafe<unknown[]>(`SELECT ${columns} FROM rates ORDER BY currency, date`);
    expect(source.length).toBeGreaterThanOrEqual(loaded);
    expect(await store().$queryRawUnsafe(`SELECT ${columns} FROM reporting_v1.rates ORDER BY currency, date`)).toEqual(source);
    await expectStoreEqualsSources();
  });

  it('gives each line its revenue in EUR at the latest rate on or before its UTC day, rounded half to even per line', async () => {
    // The oracle: the orders service's own rows and rates, converted here with integers.
    const rates = await system.orders.db.$queryRawUnsafe<Array<{ date: string; currency: string; rate: string }>>(
      `SELECT to_char(date, 'YYYY-MM-DD') AS date, currency, rate::text AS rate FROM rates ORDER BY currency, date`,
    );
    const ratesOf = new Map<string, Array<{ date: string; rate: string }>>();
    for (const r of rates) ratesOf.set(r.currency, [...(ratesOf.get(r.currency) ?? []), r]);
    const rateOn = (currency: string, day: string) => ratesOf.get(currency)?.filter((r) => r.date <= day).at(-1);
    const lines = await system.orders.db.$queryRawUnsafe<Array<{ order_id: string; line_no: number; placed_at: Date; currency: string; amount: bigint }>>(
      `SELECT o.id AS order_id, l.line_no, o.placed_at, o.currency, l.quantity::bigint * l.unit_price_cents AS amount
       FROM orders o JOIN order_lines l ON l.order_id = o.id ORDER BY o.id, l.line_no`,
    );
    const expected = lines.map(({ order_id, line_no, placed_at, currency, amount }) => {
      const day = placed_at.toISOString().slice(0, 10);
      if (currency === 'EUR') return { order_id, line_no, base_currency: 'EUR', rate_date: day, revenue_base_cents: amount };
      const rate = rateOn(currency, day);
      return { order_id, line_no, base_currency: 'EUR', rate_date: rate?.date ?? null, revenue_base_cents: rate ? toBaseCents(amount, rate.rate) : null };
    });
    const sales = await store().$queryRawUnsafe<Array<Record<string, unknown>>>(
      `SELECT order_id, line_no, base_currency, to_char(rate_date, 'YYYY-MM-DD') AS rate_date, revenue_base_cents FROM reporting_v1.sales ORDER BY order_id, line_no`,
    );
    expect(sales).toEqual(expected);
    // Not vacuous: lines of both other currencies converted, lines before the first rate without one, ties rounded up and down.
    const converted = lines.flatMap((line) => {
      const rate = line.currency === 'EUR' ? undefined : rateOn(line.currency, line.placed_at.toISOString().slice(0, 10));
      return rate ? [{ ...line, ...decimalOf(rate.rate) }] : [];
    });
    expect(new Set(converted.map((line) => line.currency))).toEqual(new Set(['GBP', 'USD']));
    expect(expected.filter((line) => line.revenue_base_cents === null).map((line) => line.order_id)).toContain(moved.early);
    const ties = converted.filter(({ amount, units, scale }) => 2n * ((amount * scale) % units) === units);
    const roundedUp = ties.filter(({ amount, units, scale }) => ((amount * scale) / units) % 2n === 1n);
    expect(roundedUp.length).toBeGreaterThan(5);
    expect(ties.length - roundedUp.length).toBeGreaterThan(5);
  });

  it("takes Friday's rate for an order placed on Saturday or Sunday (UTC), leaves an EUR order's revenue as it is, and has none before the first rate", async () => {
    expect(await system.orders.db.$queryRawUnsafe(`SELECT id FROM rates WHERE date IN ('${SATURDAY}', '${SUNDAY}') AND currency IN ('USD', 'GBP')`)).toEqual([]);
    expect(await system.orders.db.$queryRawUnsafe(`SELECT id FROM rates WHERE date <= '${BEFORE_ANY_RATE}'`)).toEqual([]);
    const friday = await system.orders.db.$queryRawUnsafe<Array<{ currency: string; rate: string }>>(
      `SELECT currency, rate::text AS rate FROM rates WHERE date = '${FRIDAY}' ORDER BY currency`,
    );
    const fridayRate = new Map(friday.map((r) => [r.currency, r.rate]));
    const sales = await store().$queryRawUnsafe<Array<{ order_id: string; currency: string; rate_date: string; revenue_cents: bigint; revenue_base_cents: bigint }>>(
      `SELECT order_id, currency, to_char(rate_date, 'YYYY-MM-DD') AS rate_date, revenue_cents, revenue_base_cents FROM reporting_v1.sales
       WHERE order_id = ANY($1::text[]) ORDER BY order_id, line_no`,
      [moved.usd, moved.gbp, moved.eur, moved.early],
    );
    const of = (id: string) => sales.filter((line) => line.order_id === id);
    expect(of(moved.usd).length).toBeGreaterThan(0);
    for (const line of of(moved.usd)) expect(line).toMatchObject({ rate_date: FRIDAY, revenue_base_cents: toBaseCents(line.revenue_cents, fridayRate.get('USD')!) });
    expect(of(moved.gbp).length).toBeGreaterThan(0);
    for (const line of of(moved.gbp)) expect(line).toMatchObject({ rate_date: FRIDAY, revenue_base_cents: toBaseCents(line.revenue_cents, fridayRate.get('GBP')!) });
    expect(of(moved.eur).length).toBeGreaterThan(0);
    for (const line of of(moved.eur)) expect(line).toMatchObject({ rate_date: SUNDAY, revenue_base_cents: line.revenue_cents });
    expect(of(moved.early).length).toBeGreaterThan(0);
    for (const line of of(moved.early)) expect(line).toMatchObject({ rate_date: null, revenue_base_cents: null });
  });

  it('costs a query of the v1 columns nothing: it does not read rates', async () => {
    const plan = await store().$queryRawUnsafe<Array<Record<string, string>>>(
      `EXPLAIN SELECT category, currency, sum(revenue_cents) FROM reporting_v1.sales WHERE placed_at >= '2026-01-01' GROUP BY 1, 2`,
    );
    const text = plan.map((row) => Object.values(row).join('')).join('\n');
    expect(text).toMatch(/\borders\b/);
    expect(text).not.toMatch(/\brates\b/);
  });

  it('publishes the conversion functions to readers, with the bodies of the orders service', async () => {
    const body = `SELECT pg_get_functiondef(p.oid) AS def FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = $1 AND n.nspname = $2`;
    for (const name of ['convert_minor_units', 'rate_or_raise']) {
      const [orders] = await system.orders.db.$queryRawUnsafe<Array<{ def: string }>>(body, name, 'public');
      const [published] = await store().$queryRawUnsafe<Array<{ def: string }>>(body, name, 'reporting_v1');
      expect(published!.def.replace('reporting_v1.', '')).toBe(orders!.def.replace('public.', ''));
    }
  });
});

describe('reconciliation before the first delivery', () => {
  it('does not call an empty store equal to a source its pump has not read', async () => {
    const fresh = await startSystem({ ...TEST_DATA, customers: 20, products: 10, orders: 30 }, {}, { reporting: true });
    try {
      const { body } = await request(fresh.reporting!.service.http).get('/v1/reconciliation').expect(200);
      expect(body.tables.map((t: TableReconciliation) => [t.table, t.matches, t.error])).toEqual([
        ['customers', false, 'the pump has delivered nothing yet'],
        ['products', false, 'the pump has delivered nothing yet'],
        ['orders', false, 'the pump has delivered nothing yet'],
        ['rates', false, 'the pump has delivered nothing yet'],
      ]);
      await fresh.reporting!.pumpAll();
      const after = (await request(fresh.reporting!.service.http).get('/v1/reconciliation').expect(200)).body;
      expect(after.tables.map((t: TableReconciliation) => t.matches)).toEqual([true, true, true, true]);
    } finally {
      await fresh.close();
    }
  });
});
