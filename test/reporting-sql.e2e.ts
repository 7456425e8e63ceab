import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_DATA } from '@tributary/testing';
import { SqlInterfaceService } from '../apps/reporting/src/sql-interface/sql-interface.service.js';
import { startSystem, type ReportingUnderTest, type SystemUnderTest } from './support/system-under-test.js';

/**
 * The store as a BI tool sees it: a PostgreSQL connection as a reader, a member of the
 * reader role, with its own password. On the embedded default, the reporting app's
 * wire-protocol interface; on PostgreSQL, the database itself.
 */
let system: SystemUnderTest;
let reporting: ReportingUnderTest;
let reader: pg.Client;
const onPostgres = Boolean(process.env.TEST_DATABASE_URL);

async function readerConnection(): Promise<pg.ClientConfig> {
  const { name, password } = await reporting.createReader();
  if (onPostgres) {
    // As a BI tool would: the store's database, with the reader's name and password in the URL.
    const url = new URL(reporting.service.config.database.url!);
    url.username = name;
    url.password = password;
    return { connectionString: url.toString() };
  }
  return { host: '127.0.0.1', port: reporting.service.app.get(SqlInterfaceService).port, user: name, password, database: 'reporting' };
}

beforeAll(async () => {
  system = await startSystem(TEST_DATA, {}, { reporting: true });
  reporting = system.reporting!;
  await reporting.pumpAll();
  reader = new pg.Client(await readerConnection());
  await reader.connect();
});

afterAll(async () => {
  await reader?.end();
  await system?.close();
});

const refusal = async (sql: string) => {
  try {
    await reader.query(sql);
    return 'ran';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

describe(`the reader role over ${onPostgres ? 'PostgreSQL' : "the embedded store's wire-protocol interface"}`, () => {
  it('reads the published views, with parameters too', async () => {
    const { rows } = await reader.query(`SELECT count(*)::int AS lines, count(DISTINCT order_id)::int AS orders FROM reporting_v1.sales`);
    const [source] = await system.orders.db.$queryRawUnsafe<Array<{ lines: number }>>(`SELECT count(*)::int AS lines FROM order_lines`);
    expect(rows).toEqual([{ lines: source!.lines, orders: TEST_DATA.orders }]);
    const byCategory = await reader.query(
      `SELECT category, sum(revenue_cents)::bigint AS revenue FROM reporting_v1.sales WHERE placed_at >= $1 AND placed_at < $2 GROUP BY category ORDER BY category`,
      ['2026-01-01T00:00:00Z', '2026-07-01T00:00:00Z'],
    );
    expect(byCategory.rows.length).toBeGreaterThan(1);
  });

  it('reads the rates and may call the conversion functions of reporting_v1', async () => {
    const [source] = await system.orders.db.$queryRawUnsafe<Array<{ rates: number }>>(`SELECT count(*)::int AS rates FROM rates`);
    expect((await reader.query(`SELECT count(*)::int AS rates FROM reporting_v1.rates`)).rows).toEqual([source]);
    // Ties go to the even neighbour: 2.5 → 2, 3.5 → 4.
    const { rows } = await reader.query(`SELECT reporting_v1.convert_minor_units(5, 2, 1)::int AS down, reporting_v1.convert_minor_units(7, 2, 1)::int AS up, reporting_v1.rate_or_raise(1.5, 'USD', '2026-01-02')::text AS rate`);
    expect(rows).toEqual([{ down: 2, up: 4, rate: '1.5' }]);
    expect(await refusal(`SELECT reporting_v1.rate_or_raise(NULL, 'USD', '2026-01-02')`)).toBe('22023');
  });

  it('refuses every write and every change of the schema', async () => {
    const statements = [
      `INSERT INTO reporting_v1.customers (id, name, email, country, created_at, updated_at) VALUES ('x', 'x', 'x', 'DE', now(), now())`,
      `UPDATE reporting_v1.orders SET status = 'CANCELLED'`,
      `DELETE FROM reporting_v1.order_lines`,
      `CREATE TABLE reporting_v1.mine (id int)`,
      `DROP VIEW reporting_v1.sales`,
      `TRUNCATE reporting_store.orders`,
      `GRANT ALL ON SCHEMA reporting_store TO PUBLIC`,
    ];
    for (const sql of statements) expect([sql, await refusal(sql)]).toEqual([sql, '42501']);
    // A write dressed as a read gets past no check: the role may not touch the store.
    expect(await refusal(`WITH gone AS (DELETE FROM reporting_store.orders RETURNING 1) SELECT count(*) FROM gone`)).toMatch(/^(42501|25006)$/);
    const [{ orders }] = await store<{ orders: number }>(`SELECT count(*)::int AS orders FROM reporting_store.orders`);
    expect(orders).toBe(TEST_DATA.orders);
  });

  it('does not see reporting_store', async () => {
    expect(await refusal(`SELECT * FROM reporting_store.orders LIMIT 1`)).toBe('42501');
    const { rows } = await reader.query(`SELECT DISTINCT table_schema FROM information_schema.tables WHERE table_schema LIKE 'reporting%' ORDER BY 1`);
    expect(rows).toEqual([{ table_schema: 'reporting_v1' }]);
  });

  it('leaves the pumps working after all that', async () => {
    const [customer] = await system.customers.db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM customers ORDER BY id LIMIT 1`);
    await system.customers.db.$queryRawUnsafe(`UPDATE customers SET name = 'After The Readers', updated_at = now() WHERE id = $1`, customer!.id);
    await reporting.pumpAll();
    const { rows } = await reader.query(`SELECT name FROM reporting_v1.customers WHERE id = $1`, [customer!.id]);
    expect(rows).toEqual([{ name: 'After The Readers' }]);
  });
});

describe('versioning: a reporting_v2 beside v1 changes nothing for v1 readers', () => {
  it('answers every v1 query as before once v2 has a changed column', async () => {
    const queries = [
      `SELECT * FROM reporting_v1.sales ORDER BY order_id, line_no LIMIT 200`,
      `SELECT category, currency, sum(revenue_cents)::bigint AS revenue FROM reporting_v1.sales GROUP BY 1, 2 ORDER BY 1, 2`,
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'reporting_v1' ORDER BY table_name, ordinal_position`,
    ];
    const before = [];
    for (const sql of queries) before.push((await reader.query(sql)).rows);
    // v2 changes a column of sales: revenue in currency units, as numeric, under another name.
    await store(`CREATE SCHEMA reporting_v2`);
    await store(
      `CREATE VIEW reporting_v2.sales AS SELECT order_id, line_no, placed_at, status, currency, customer_id, country, product_id, category, quantity, (revenue_cents / 100.0)::numeric(14, 2) AS revenue FROM reporting_v1.sales`,
    );
    await store(`GRANT USAGE ON SCHEMA reporting_v2 TO "${reporting.reader.role}"`);
    await store(`GRANT SELECT ON ALL TABLES IN SCHEMA reporting_v2 TO "${reporting.reader.role}"`);
    const after = [];
    for (const sql of queries) after.push((await reader.query(sql)).rows);
    expect(after).toEqual(before);
    const { rows } = await reader.query(`SELECT sum(revenue)::text AS v2, (SELECT (sum(revenue_cents) / 100.0)::numeric(20, 2)::text FROM reporting_v1.sales) AS v1 FROM reporting_v2.sales`);
    expect(rows[0].v2).toBe(rows[0].v1);
  });
});

function store<T = unknown>(sql: string): Promise<T[]> {
  return reporting.service.db.$queryRawUnsafe<T[]>(sql);
}
