import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath, type DatabaseLocation } from '@tributary/database';
import { demoRateCount, demoRates } from '@tributary/demo-data';
import { startService, TEST_DATA, TestDatabases, type ServiceUnderTest } from '@tributary/testing';
import { ordersService } from '../apps/orders/src/orders-app.module.js';

const run = promisify(execFile);
const databases = new TestDatabases();
let orders: ServiceUnderTest;

beforeAll(async () => {
  orders = await startService(ordersService, databases, { data: TEST_DATA });
});

afterAll(async () => {
  await orders?.close();
  await databases.dropAll();
});

interface RateBody {
  id: string;
  date: string;
  currency: string;
  rate: string;
  rateDate: string;
  source: string;
  updatedAt: string;
}

/** Follows nextPageToken to the end. */
async function walk(service: ServiceUnderTest, query: Record<string, string | number>): Promise<{ rows: RateBody[]; pages: number }> {
  const rows: RateBody[] = [];
  let pageToken: string | undefined;
  let pages = 0;
  do {
    const response = await request(service.http).get('/v1/rates').query({ ...query, ...(pageToken ? { pageToken } : {}) }).expect(200);
    rows.push(...response.body.rates);
    pageToken = response.body.nextPageToken;
    pages++;
  } while (pageToken);
  return { rows, pages };
}

/** The table as the oracle sees it: every rate with its value as text. */
const tableOf = (service: ServiceUnderTest, where = 'TRUE') =>
  service.db.$queryRawUnsafe<Array<{ id: string; date: string; currency: string; rate: string; source: string; updatedAt: string }>>(
    `SELECT id, to_char(date, 'YYYY-MM-DD') AS date, trim(currency) AS currency, trim_scale(rate)::text AS rate, source, to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS "updatedAt"
     FROM rates WHERE ${where} ORDER BY updated_at, id`,
  );

const batchGet = (ids: string[]) => request(orders.http).post('/v1/rates:batchGet').send({ ids });

describe('GET /v1/rates', () => {
  it('walks every rate of the table once, in (updatedAt, id) order: the demo rates of every weekday, each its own day’s', async () => {
    const { rows, pages } = await walk(orders, { pageSize: 97 });
    const table = await tableOf(orders);
    expect(rows).toHaveLength(demoRateCount(TEST_DATA));
    expect(pages).toBe(Math.ceil(rows.length / 97));
    expect(rows).toEqual(table.map((row) => ({ ...row, rateDate: row.date })));
    // The demo data, as generated: 4 decimals, written without trailing zeros.
    const generated = new Map([...demoRates(TEST_DATA)].map((rate) => [rate.id, rate]));
    for (const row of rows) expect({ id: row.id, rate: row.rate }).toEqual({ id: row.id, rate: String(Number(generated.get(row.id)!.rate)) });
    expect(rows.filter((row) => [0, 6].includes(new Date(row.date).getUTCDay()))).toEqual([]);
  });

  it('reads incrementally from updatedSince, inclusive', async () => {
    const table = await tableOf(orders);
    const since = table[Math.floor(table.length / 2)]!.updatedAt;
    const { rows } = await walk(orders, { pageSize: 1000, updatedSince: since });
    expect(rows.map((row) => row.id)).toEqual(table.filter((row) => row.updatedAt >= since).map((row) => row.id));
    expect(rows[0]!.updatedAt).toBe(since);
  });

  it('filters by currency and by a range of days, both ends inclusive, and binds its page tokens to them', async () => {
    const query = { currency: 'USD', from: '2026-01-02', to: '2026-01-30', pageSize: 7 };
    const { rows } = await walk(orders, query);
    const expected = await tableOf(orders, `currency = 'USD' AND date BETWEEN '2026-01-02' AND '2026-01-30'`);
    // The weekdays from Friday the 2nd to Friday the 30th.
    expect(rows).toHaveLength(21);
    expect(rows.map((row) => row.id)).toEqual(expected.map((row) => row.id));
    const first = await request(orders.http).get('/v1/rates').query(query).expect(200);
    const retargeted = await request(orders.http).get('/v1/rates').query({ ...query, currency: 'GBP', pageToken: first.body.nextPageToken }).expect(400);
    expect(retargeted.body.errors.map((error: { field: string }) => error.field)).toEqual(['pageToken']);
  });

  it.each([
    [{ currency: 'usd' }, [{ field: 'currency', message: 'currency must be 3 capital letters (ISO 4217), such as USD' }]],
    [{ from: '2026-02-30' }, [{ field: 'from', message: 'from must be a day, YYYY-MM-DD, such as 2026-01-05' }]],
    [{ to: '2026-01-05T00:00:00Z' }, [{ field: 'to', message: 'to must be a day, YYYY-MM-DD, such as 2026-01-05' }]],
    [{ from: '2026-02-01', to: '2026-01-31' }, [{ field: 'to', message: 'to must be the same day as from or later' }]],
    [{ pageSize: -1, currency: 'EURO' }, [{ field: 'pageSize', message: 'pageSize must not be less than 0' }, { field: 'currency', message: 'currency must be 3 capital letters (ISO 4217), such as USD' }]],
  ])('refuses %j with a problem naming the field', async (query, errors) => {
    const response = await request(orders.http).get('/v1/rates').query(query).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toHaveLength(errors.length);
    expect(response.body.errors).toEqual(expect.arrayContaining(errors));
  });
});

describe('POST /v1/rates:batchGet: the rate in effect on each day asked', () => {
  it('answers a Saturday and a Sunday with the Friday’s rate, under the day and id asked', async () => {
    const [friday] = await tableOf(orders, `id = '2026-01-02:USD'`);
    const response = await batchGet(['2026-01-03:USD', '2026-01-04:USD', '2026-01-02:USD']).expect(200);
    expect(response.body.results).toEqual([
      { id: '2026-01-03:USD', rate: { ...friday, id: '2026-01-03:USD', date: '2026-01-03', rateDate: '2026-01-02' } },
      { id: '2026-01-04:USD', rate: { ...friday, id: '2026-01-04:USD', date: '2026-01-04', rateDate: '2026-01-02' } },
      { id: '2026-01-02:USD', rate: { ...friday, rateDate: '2026-01-02' } },
    ]);
    expect(friday!.source).toBe('demo');
  });

  it('answers EUR, the base, with 1 on any day', async () => {
    const response = await batchGet(['2026-01-03:EUR', '1999-01-01:EUR']).expect(200);
    expect(response.body.results).toEqual([
      { id: '2026-01-03:EUR', rate: { id: '2026-01-03:EUR', date: '2026-01-03', currency: 'EUR', rate: '1', rateDate: '2026-01-03', source: 'base', updatedAt: '2026-01-03T00:00:00.000Z' } },
      { id: '1999-01-01:EUR', rate: { id: '1999-01-01:EUR', date: '1999-01-01', currency: 'EUR', rate: '1', rateDate: '1999-01-01', source: 'base', updatedAt: '1999-01-01T00:00:00.000Z' } },
    ]);
  });

  it('reports a day before the first rate, and a currency without rates, as NOT_FOUND, and answers the rest in order, duplicates repeated', async () => {
    const [first] = (await tableOf(orders, `currency = 'GBP'`)).sort((a, b) => a.date.localeCompare(b.date));
    const dayBefore = new Date(Date.parse(first!.date) - 24 * 60 * 60 * 1000).toISOString().slice(0, 10);
    const ids = ['2026-01-05:GBP', `${dayBefore}:GBP`, '2026-01-05:CHF', `${first!.date}:GBP`, '2026-01-05:GBP'];
    const { body } = await batchGet(ids).expect(200);
    expect(body.results.map((entry: { id: string }) => entry.id)).toEqual(ids);
    expect(body.results[1]).toEqual({ id: `${dayBefore}:GBP`, error: { code: 'NOT_FOUND', message: `rate ${dayBefore}:GBP does not exist` } });
    expect(body.results[2]).toEqual({ id: '2026-01-05:CHF', error: { code: 'NOT_FOUND', message: 'rate 2026-01-05:CHF does not exist' } });
    expect(body.results[3].rate).toMatchObject({ id: `${first!.date}:GBP`, rateDate: first!.date, rate: first!.rate });
    expect(body.results[4]).toEqual(body.results[0]);
  });

  it('refuses malformed ids with a 400 naming each one, ids[i]', async () => {
    const response = await batchGet(['2026-01-05:USD', 'no-such-rate', '2026-02-30:GBP', '2026-01-05:usd']).expect(400);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.body.errors).toEqual([
      { field: 'ids[1]', message: 'ids[1] must be a day and a currency, YYYY-MM-DD:CUR, such as 2026-01-05:USD' },
      { field: 'ids[2]', message: 'ids[2] names no day of the calendar: 2026-02-30' },
      { field: 'ids[3]', message: 'ids[3] must be a day and a currency, YYYY-MM-DD:CUR, such as 2026-01-05:USD' },
    ]);
  });

  it('answers 1000 ids in one SQL statement', async () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `${new Date(Date.parse('2024-01-01') + i * 24 * 60 * 60 * 1000).toISOString().slice(0, 10)}:${i % 2 ? 'USD' : 'GBP'}`);
    const before = orders.db.queryCount;
    const { body } = await batchGet(ids).expect(200);
    expect(orders.db.queryCount - before).toBe(1);
    expect(body.results.filter((entry: { rate?: RateBody }) => entry.rate?.id === undefined)).toEqual([]);
    expect(body.results.every((entry: { rate: RateBody }, i: number) => entry.rate.id === ids[i] && entry.rate.rateDate <= entry.rate.date)).toBe(true);
  });

  it('GET /v1/rates/{id} answers the same, a 404 before the first rate and a 400 for a malformed id', async () => {
    const one = await request(orders.http).get('/v1/rates/2026-01-03:USD').expect(200);
    expect(one.body).toEqual((await batchGet(['2026-01-03:USD'])).body.results[0].rate);
    await request(orders.http).get('/v1/rates/1990-01-01:USD').expect(404);
    const malformed = await request(orders.http).get('/v1/rates/USD').expect(400);
    expect(malformed.body.errors).toEqual([{ field: 'id', message: 'id must be a day and a currency, YYYY-MM-DD:CUR, such as 2026-01-05:USD' }]);
  });
});

describe('the OpenAPI document', () => {
  it('documents the rates: the three read methods, the filters, and the rule batchGet answers by', async () => {
    const { body } = await request(orders.http).get('/openapi.json').expect(200);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/rates:batchGet', '/v1/rates', '/v1/rates/{id}']));
    expect(body.paths['/v1/rates'].get.parameters.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['pageSize', 'pageToken', 'updatedSince', 'currency', 'from', 'to']));
    expect(body.paths['/v1/rates:batchGet'].post.description).toMatch(/the latest rate of the currency on or before it \(a weekend or holiday has the rate of the last business day\)/);
    expect(Object.keys(body.components.schemas.RateDto.properties)).toEqual(['id', 'date', 'currency', 'rate', 'rateDate', 'source', 'updatedAt']);
  });
});

/**
 * `npm run rates:load` as it runs (compiled, its own process) on a database of its own:
 * PGlite in a folder (the orders service stopped), or a PostgreSQL database.
 */
describe('npm run rates:load', () => {
  const build = join('.test-build', `rates-load-${process.pid}`);
  const folder = mkdtempSync(join(tmpdir(), 'tributary-rates-load-'));
  let database: DatabaseLocation;

  beforeAll(async () => {
    await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', 'scripts', '-d', build, '--quiet'], { cwd: projectPath() });
    database = databases.kind === 'postgres' ? await databases.create('orders') : { dataDir: join(folder, 'orders') };
  }, 120_000);

  afterAll(() => {
    rmSync(projectPath(build), { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  const file = (name: string, text: string) => {
    const path = join(folder, name);
    writeFileSync(path, text);
    return path;
  };

  async function load(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    const env = {
      ...process.env,
      // A port nothing listens on: the command checks that no orders service holds the embedded database.
      ORDERS_PORT: '1',
      ...(database.url ? { ORDERS_DATABASE_URL: database.url } : { ORDERS_DATA_DIR: database.dataDir }),
    };
    return run(process.execPath, [projectPath(build, 'scripts/rates-load.js'), ...args], { env, cwd: projectPath() }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (error: { code: number; stdout: string; stderr: string }) => ({ code: error.code, stdout: error.stdout, stderr: error.stderr }),
    );
  }

  /** The table, through the orders service on that database (started and stopped again: PGlite is one process's). */
  async function rates(): Promise<{ table: Awaited<ReturnType<typeof tableOf>>; listed: RateBody[]; saturday: unknown }> {
    const service = await startService(ordersService, databases, { config: { database } });
    try {
      return { table: await tableOf(service), listed: (await walk(service, { pageSize: 1000 })).rows, saturday: (await request(service.http).post('/v1/rates:batchGet').send({ ids: ['2024-01-06:GBP'] })).body.results[0] };
    } finally {
      await service.close();
    }
  }

  // eurofxref-hist.csv: newest first, a trailing comma, N/A for a currency without a rate.
  const history = file('eurofxref-hist.csv', 'Date,USD,JPY,GBP,CYP,\n2024-01-05,1.0921,158.52,0.85950,N/A,\n2024-01-04,1.0953,159.16,0.86145,N/A,\n2024-01-03,1.0919,155.86,0.86205,N/A,\n');
  let first: Awaited<ReturnType<typeof rates>>;

  it('loads an ECB file, and says how many rates it parsed and wrote', async () => {
    const { code, stdout, stderr } = await load(history);
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toContain('eurofxref-hist.csv: 3 days, 4 currencies, 9 rates parsed (3 cells without a rate)');
    expect(stdout).toMatch(/^rates: 9 of 9: 9 written, 0 unchanged$/m);
    expect(stdout).toMatch(/^loaded .*eurofxref-hist\.csv \(source ECB\) into (PGlite|PostgreSQL) .* in \d+\.\d s: 9 rates parsed, 9 written \(9 new, 0 changed\), 0 unchanged$/m);
    first = await rates();
    expect(first.table.map(({ id, rate, source }) => ({ id, rate, source }))).toEqual(
      expect.arrayContaining([
        { id: '2024-01-05:USD', rate: '1.0921', source: 'ECB' },
        { id: '2024-01-03:JPY', rate: '155.86', source: 'ECB' },
      ]),
    );
    expect(first.table).toHaveLength(9);
    // Exact, and without the file's trailing zero.
    expect(first.listed.find((rate) => rate.id === '2024-01-05:GBP')).toMatchObject({ rate: '0.8595', rateDate: '2024-01-05', source: 'ECB' });
    expect(first.saturday).toEqual({ id: '2024-01-06:GBP', rate: expect.objectContaining({ date: '2024-01-06', rateDate: '2024-01-05', rate: '0.8595' }) });
  });

  it('loaded twice, changes no row and no updatedAt', async () => {
    const { code, stdout } = await load(history, '--source', 'ECB');
    expect(code).toBe(0);
    expect(stdout).toMatch(/: 9 rates parsed, 0 written \(0 new, 0 changed\), 9 unchanged$/m);
    expect((await rates()).table).toEqual(first.table);
  });

  it('refuses a malformed file naming each line and column at fault, and writes nothing of it', async () => {
    const malformed = file('malformed.csv', 'Date,USD,JPY,GBP,\n2024-01-09,1.0940,158.00,0.8600,\n2024-01-08,1.09x,158.10,0.8610,\n2024-02-30,1.0950,158.20,0.8620,\n2024-01-05,1.0921,158.52,0.85950,7\n');
    const { code, stdout, stderr } = await load(malformed);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr.trim().split('\n')).toEqual([
      `${malformed} is refused, nothing was loaded:`,
      'line 3, column 2: USD: "1.09x" is not a rate: a positive decimal such as 1.0921, or N/A',
      'line 4, column 1: "2024-02-30" is not a day: YYYY-MM-DD, or 05 January 2024',
      'line 5, column 5: "7" is in the header\'s empty last column, which has no currency',
    ]);
    expect((await rates()).table).toEqual(first.table);
  });

  it('takes the daily eurofxref.csv too: a changed rate is written with a new updatedAt, a new day added, the rest untouched', async () => {
    const daily = file('eurofxref.csv', 'Date, USD, JPY, GBP, \n08 January 2024, 1.0945, 160.05, 0.8601, \n05 January 2024, 1.0921, 158.52, 0.8596, \n');
    const { code, stdout } = await load(daily);
    expect(code).toBe(0);
    expect(stdout).toMatch(/: 6 rates parsed, 4 written \(3 new, 1 changed\), 2 unchanged$/m);
    const after = await rates();
    const changed = after.table.find((rate) => rate.id === '2024-01-05:GBP')!;
    expect(changed.rate).toBe('0.8596');
    expect(changed.updatedAt > first.table.find((rate) => rate.id === '2024-01-05:GBP')!.updatedAt).toBe(true);
    expect(after.table.filter((rate) => rate.id !== '2024-01-05:GBP' && !rate.id.startsWith('2024-01-08'))).toEqual(first.table.filter((rate) => rate.id !== '2024-01-05:GBP'));
    expect(after.table.filter((rate) => rate.id.startsWith('2024-01-08')).map((rate) => rate.id).sort()).toEqual(['2024-01-08:GBP', '2024-01-08:JPY', '2024-01-08:USD']);
  });

  it('refuses a wrong command line with its usage and exit code 2', async () => {
    for (const args of [[], [history, history], [history, '--source', 'no/slashes'], [history, '--no-such-flag']]) {
      const { code, stderr } = await load(...args);
      expect({ args, code }).toEqual({ args, code: 2 });
      expect(stderr).toContain('usage: npm run rates:load -- <file.csv> [--source ECB]');
    }
  });
});
