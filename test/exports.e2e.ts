import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { DuckDBInstance } from '@duckdb/node-api';
import { parquetReadObjects } from 'hyparquet';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTED_ORDER_STATUSES, operationIdOf, type ExportFormat, type ExportOperation, type ExportRequest } from '@tributary/contracts';
import { exportCommandFromArgs, runExportCommand } from '@tributary/exports';
import { TEST_DATA } from '@tributary/testing';
import { graphql, startSystem, type ReportingUnderTest, type SystemUnderTest } from './support/system-under-test.js';

/**
 * Exports as a user runs them against the reporting app: POST /v1/exports, follow the
 * operation, then open the files it lists and compare them with the view they came from.
 */
let system: SystemUnderTest;
let reporting: ReportingUnderTest;
const PERIOD = { from: '2026-01-01T00:00:00.000Z', to: '2026-07-01T00:00:00.000Z' };
// Small parts and pages, so that a few thousand rows make several of each.
const PART_ROWS = 1500;

beforeAll(async () => {
  // Pages of 50 rows: an export takes a few hundred steps, long enough to watch and cancel.
  system = await startSystem(TEST_DATA, {}, { reporting: true, exports: { partRows: PART_ROWS, pageRows: 50 } });
  reporting = system.reporting!;
  await reporting.pumpAll();
}, 120_000);

afterAll(async () => {
  await system?.close();
});

const api = () => request(reporting.service.http);

async function finished(operation: ExportOperation): Promise<ExportOperation> {
  for (let tries = 0; tries < 600; tries++) {
    const { body } = await api().get(`/v1/${operation.name}`).expect(200);
    if (body.done) return body as ExportOperation;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${operation.name} did not finish`);
}

async function exported(body: ExportRequest): Promise<ExportOperation> {
  const { body: started } = await api().post('/v1/exports').send(body).expect(202);
  expect(started).toMatchObject({ done: false, metadata: { state: 'QUEUED', dataset: body.dataset } });
  const done = await finished(started);
  expect(done.error).toBeUndefined();
  expect(done.metadata).toMatchObject({ state: 'SUCCEEDED', percent: 100 });
  return done;
}

/** A file at its location: on the reporting app (REST), or on the gateway (the links GraphQL gives). */
async function download(location: string, server = reporting.service.http): Promise<Buffer> {
  const { body } = await request(server).get(location).buffer(true).parse((response, callback) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => callback(null, Buffer.concat(chunks)));
  }).expect(200);
  return body as Buffer;
}

/** The view's rows for the period, in the export's order, as the files must hold them. */
async function salesRows(): Promise<Array<Record<string, unknown>>> {
  const rows = await reporting.service.db.$queryRawUnsafe<Array<Record<string, unknown>>>(
    `SELECT order_id, line_no, placed_at, status, currency, customer_id, customer_name, country, product_id, sku, title, category, quantity, unit_price_cents, revenue_cents::int AS revenue_cents
     FROM reporting_v1.sales WHERE placed_at >= $1 AND placed_at < $2 ORDER BY placed_at, order_id, line_no`,
    new Date(PERIOD.from),
    new Date(PERIOD.to),
  );
  return rows;
}

/** What each format reads back as: JSON-ish rows with instants as Dates and cents as numbers. */
async function readBack(format: ExportFormat, bytes: Buffer, gzip: boolean): Promise<Array<Record<string, unknown>>> {
  const revive = (row: Record<string, unknown>) => ({ ...row, placed_at: new Date(row.placed_at as string) });
  switch (format) {
    case 'ndjson':
      return (gzip ? gunzipSync(bytes) : bytes).toString('utf8').trimEnd().split('\n').map((line) => revive(JSON.parse(line)));
    case 'csv': {
      const records = parse((gzip ? gunzipSync(bytes) : bytes).toString('utf8'), { columns: true }) as Array<Record<string, string>>;
      return records.map((record) => revive({ ...record, line_no: Number(record.line_no), quantity: Number(record.quantity), unit_price_cents: Number(record.unit_price_cents), revenue_cents: Number(record.revenue_cents) }));
    }
    case 'parquet': {
      const rows = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Array<Record<string, unknown>>;
      // Integers come back as INT64 (bigint), instants as timestamps (Date): the types survived.
      for (const row of rows) {
        expect(typeof row.revenue_cents).toBe('bigint');
        expect(row.placed_at).toBeInstanceOf(Date);
      }
      return rows.map((row) => ({ ...row, line_no: Number(row.line_no), quantity: Number(row.quantity), unit_price_cents: Number(row.unit_price_cents), revenue_cents: Number(row.revenue_cents) }));
    }
    case 'xlsx': {
      const workbook = new ExcelJS.Workbook();
      await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
      const sheet = workbook.worksheets[0]!;
      const header = (sheet.getRow(1).values as unknown[]).slice(1) as string[];
      const rows: Array<Record<string, unknown>> = [];
      sheet.eachRow((row, number) => {
        if (number === 1) return;
        const values = (row.values as unknown[]).slice(1);
        rows.push(Object.fromEntries(header.map((name, index) => [name, values[index] ?? null])));
      });
      for (const row of rows) expect(row.placed_at).toBeInstanceOf(Date);
      return rows;
    }
  }
}

describe('exporting reporting_v1.sales', () => {
  for (const { format, gzip } of [
    { format: 'ndjson', gzip: true },
    { format: 'csv', gzip: false },
    { format: 'parquet', gzip: false },
    { format: 'xlsx', gzip: false },
  ] as const) {
    it(`${format}${gzip ? ' (gzip)' : ''}: the files hold the view's rows for the period, with their types`, async () => {
      const operation = await exported({ dataset: 'sales', filters: PERIOD, format, gzip });
      const expected = await salesRows();
      const { files } = operation.response!;
      // Parts of at most PART_ROWS rows, in order, each with its rows, bytes and checksum.
      expect(files.length).toBe(Math.ceil(expected.length / PART_ROWS));
      expect(files.map((file) => file.path)).toEqual(files.map((_, index) => `sales/${operationIdOf(operation)}/part-${String(index + 1).padStart(4, '0')}.${format}${gzip ? '.gz' : ''}`));
      const read: Array<Record<string, unknown>> = [];
      for (const file of files) {
        const bytes = await download(file.location);
        expect(bytes.length).toBe(file.bytes);
        const rows = await readBack(format, bytes, gzip);
        expect(rows.length).toBe(file.rows);
        read.push(...rows);
      }
      expect(operation.response!.rows).toBe(expected.length);
      expect(read).toEqual(expected);
    });
  }

  it('partitioned by month: DuckDB reads the Parquet mart as it lies and finds the salesByMonth report in it', async () => {
    const operation = await exported({ dataset: 'sales', filters: { ...PERIOD, status: [...COUNTED_ORDER_STATUSES] }, columns: ['placed_at', 'currency', 'revenue_cents'], format: 'parquet', partitionBy: 'month' });
    const folder = join(reporting.service.config.exports.directory, 'sales', operationIdOf(operation));
    for (const file of operation.response!.files) expect(file.path).toMatch(new RegExp(`^sales/[0-9a-f-]+/month=${file.month}/part-\\d{4}\\.parquet$`));
    const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
    const reader = await duckdb.runAndReadAll(
      `SELECT month, currency, SUM(revenue_cents)::BIGINT AS revenue, bool_and(strftime(placed_at, '%Y-%m') = month) AS in_its_folder
       FROM read_parquet('${folder}/month=*/*.parquet', hive_partitioning = true) GROUP BY month, currency ORDER BY month, currency`,
    );
    const mart = reader.getRowObjects().map((row) => ({ month: String(row.month), currency: String(row.currency), revenueCents: Number(row.revenue), inItsFolder: row.in_its_folder }));
    duckdb.closeSync();
    const { body: report } = await api().post('/v1/reports/salesByMonth').send(PERIOD).expect(200);
    expect(mart).toEqual((report.rows as Array<{ month: string; currency: string; revenueCents: number }>).map(({ month, currency, revenueCents }) => ({ month, currency, revenueCents, inItsFolder: true })));
    expect(new Set(operation.response!.files.map((file) => file.month))).toEqual(new Set(['2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']));
  });

  it('writes a manifest beside the files, saying what the response says', async () => {
    const operation = await exported({ dataset: 'customers', format: 'csv', filters: { country: ['DE', 'FR'] } });
    const manifest = JSON.parse((await download(operation.response!.manifest)).toString('utf8'));
    expect(manifest).toEqual(operation.response);
    const [file] = operation.response!.files;
    const rows = parse(await download(file!.location), { columns: true }) as Array<{ country: string }>;
    expect(new Set(rows.map((row) => row.country))).toEqual(new Set(['DE', 'FR']));
    expect(readFileSync(join(reporting.service.config.exports.directory, file!.path)).length).toBe(file!.bytes);
  });
});

describe('following an export', () => {
  it('shows its progress while it runs, and a cancel stops it and removes its files', async () => {
    const { body: started } = await api().post('/v1/exports').send({ dataset: 'sales', format: 'xlsx' }).expect(202);
    let seen: ExportOperation = started;
    while (!(seen.metadata.state === 'RUNNING' && seen.metadata.rowsWritten > 0)) ({ body: seen } = await api().get(`/v1/${started.name}`).expect(200));
    expect(seen.done).toBe(false);
    expect(seen.metadata.totalRows).toBeGreaterThan(seen.metadata.rowsWritten);
    expect(seen.metadata.percent).toBe(Math.floor((seen.metadata.rowsWritten * 100) / seen.metadata.totalRows!));
    let later: ExportOperation = seen;
    while (later.metadata.rowsWritten === seen.metadata.rowsWritten && !later.done) ({ body: later } = await api().get(`/v1/${started.name}`).expect(200));
    expect(later.done).toBe(false);
    expect(later.metadata.rowsWritten).toBeGreaterThan(seen.metadata.rowsWritten);

    const { body: cancelling } = await api().post(`/v1/${started.name}:cancel`).expect(200);
    expect(cancelling.metadata.cancelRequested).toBe(true);
    const cancelled = await finished(started);
    expect(cancelled.metadata.state).toBe('CANCELLED');
    expect(cancelled.response).toBeUndefined();
    expect(cancelled.metadata.rowsWritten).toBeLessThan(cancelled.metadata.totalRows!);
    expect(existsSync(join(reporting.service.config.exports.directory, 'sales', operationIdOf(started)))).toBe(false);
  });

  it('lists operations newest first, page by page and by state; a finished one can be deleted, a missing one is a 404', async () => {
    const first = await exported({ dataset: 'products', format: 'ndjson' });
    const second = await exported({ dataset: 'products', format: 'csv' });
    const { body: page } = await api().get('/v1/operations?pageSize=1&state=SUCCEEDED').expect(200);
    expect(page.operations.map((operation: ExportOperation) => operation.name)).toEqual([second.name]);
    const { body: next } = await api().get(`/v1/operations?pageSize=1&state=SUCCEEDED&pageToken=${page.nextPageToken}`).expect(200);
    expect(next.operations.map((operation: ExportOperation) => operation.name)).toEqual([first.name]);
    const { body: cancelled } = await api().get('/v1/operations?state=CANCELLED').expect(200);
    expect(cancelled.operations.every((operation: ExportOperation) => operation.metadata.state === 'CANCELLED')).toBe(true);

    await api().delete(`/v1/${first.name}`).expect(204);
    await api().get(`/v1/${first.name}`).expect(404);
    await api().delete(`/v1/${first.name}`).expect(404);
    await api().get('/v1/operations/not-an-id').expect(404);
    const { body: refused } = await api().get('/v1/operations?pageToken=forged').expect(400);
    expect(refused.code).toBe('INVALID_PAGE_TOKEN');
  });

  it("each service exports its own data: POST /v1/customers:export on the customers service", async () => {
    const { body: started } = await request(system.customers.http).post('/v1/customers:export').send({ format: 'csv', filters: { country: ['DE'] } }).expect(202);
    let operation: ExportOperation = started;
    while (!operation.done) ({ body: operation } = await request(system.customers.http).get(`/v1/${started.name}`).expect(200));
    expect(operation.metadata.state).toBe('SUCCEEDED');
    const [{ count }] = await system.customers.db.$queryRawUnsafe<Array<{ count: number }>>(`SELECT count(*)::int AS count FROM customers WHERE country = 'DE'`);
    expect(operation.response!.rows).toBe(count);
    const { text } = await request(system.customers.http).get(operation.response!.files[0]!.location).expect(200);
    expect(text.trimEnd().split('\r\n')).toHaveLength(count + 1);
  });
});

describe('bad exports are refused at creation, each naming its field, and leave nothing behind', () => {
  const cases: Array<[string, Record<string, unknown>, string, RegExp]> = [
    ['an unknown dataset', { dataset: 'invoices', format: 'csv' }, 'dataset', /unknown dataset "invoices"; this app exports sales, orders/],
    ['an unknown column', { dataset: 'sales', format: 'csv', columns: ['order_id', 'margin'] }, 'columns[1]', /sales has no column "margin"/],
    ['an unknown format', { dataset: 'sales', format: 'pdf' }, 'format', /format must be one of the following values: ndjson, csv, parquet, xlsx/],
    ['a period that ends before it starts', { dataset: 'sales', format: 'csv', filters: { from: '2026-03-01T00:00:00Z', to: '2026-03-01T00:00:00Z' } }, 'filters.to', /filters.to must be later than filters.from/],
    ['a filter the dataset does not have', { dataset: 'customers', format: 'csv', filters: { status: ['PAID'] } }, 'filters.status', /customers cannot be filtered by status; it can by country/],
    ['months of a dataset without time', { dataset: 'products', format: 'parquet', partitionBy: 'month' }, 'partitionBy', /products has no time column/],
    ['gzip on parquet', { dataset: 'sales', format: 'parquet', gzip: true }, 'gzip', /parquet files are compressed already/],
    ['object storage that is not configured', { dataset: 'sales', format: 'csv', destination: { kind: 's3' } }, 'destination.kind', /no object storage configured \(EXPORT_S3_BUCKET\)/],
  ];
  for (const [what, body, field, message] of cases) {
    it(what, async () => {
      const before = (await api().get('/v1/operations?pageSize=100').expect(200)).body.operations.length;
      const { body: problem } = await api().post('/v1/exports').send(body).expect(400);
      expect(problem.errors).toContainEqual({ field, message: expect.stringMatching(message) });
      expect((await api().get('/v1/operations?pageSize=100').expect(200)).body.operations.length).toBe(before);
    });
  }

  it('a destination that refuses writes', async () => {
    const settings = reporting.service.config.exports;
    const directory = settings.directory;
    // A folder cannot be made under a file, whoever runs the test (root included).
    settings.directory = '/dev/null/exports';
    try {
      const { body: problem } = await api().post('/v1/exports').send({ dataset: 'sales', format: 'csv' }).expect(400);
      expect(problem.errors).toEqual([{ field: 'destination', message: expect.stringMatching(/the export directory \/dev\/null\/exports refuses writes \(ENOTDIR\)/) }]);
    } finally {
      settings.directory = directory;
    }
  });
});

describe('exports through the GraphQL gateway', () => {
  const OPERATION = `id name done metadata { state rowsWritten totalRows percent parts } response { rows files { path location month rows bytes sha256 } manifest } error { code detail errors { field message } }`;

  it('startExport, then export(id) until done, then exports lists it; cancelExport on a finished one leaves it as it is', async () => {
    const started = await graphql(system.gateway, `mutation($input: StartExportInput!) { startExport(input: $input) { ${OPERATION} } }`, {
      input: { dataset: 'sales', format: 'PARQUET', partitionBy: 'MONTH', filters: { from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, columns: ['order_id', 'placed_at', 'revenue_cents'] },
    });
    expect(started.body.errors).toBeUndefined();
    const { id } = started.body.data.startExport;
    expect(started.body.data.startExport).toMatchObject({ name: `operations/${id}`, done: false, metadata: { state: 'QUEUED' } });

    let operation = started.body.data.startExport;
    while (!operation.done) operation = (await graphql(system.gateway, `query($id: ID!) { export(id: $id) { ${OPERATION} } }`, { id })).body.data.export;
    expect(operation.metadata).toMatchObject({ state: 'SUCCEEDED', percent: 100 });
    expect(operation.response.files.map((file: { month: string }) => file.month)).toEqual(['2026-01', '2026-02']);
    // The gateway's link (export-downloads.e2e.ts tests it in production mode), not the reporting app's.
    const [first] = operation.response.files;
    expect(first.location).toBe(`/exports/files/${first.path}`);
    const bytes = await download(first.location, system.gateway.http);
    expect(bytes.length).toBe(first.bytes);
    expect(createHash('sha256').update(bytes).digest('hex')).toBe(first.sha256);

    const listed = await graphql(system.gateway, `{ exports(first: 1) { nodes { id metadata { state } } hasNextPage endCursor } }`);
    // Newest first.
    expect(listed.body.data.exports.nodes).toEqual([{ id, metadata: { state: 'SUCCEEDED' } }]);
    expect(listed.body.data.exports.hasNextPage).toBe(listed.body.data.exports.endCursor !== null);
    const cancelled = await graphql(system.gateway, `mutation($id: ID!) { cancelExport(id: $id) { done metadata { state cancelRequested } } }`, { id });
    expect(cancelled.body.data.cancelExport).toEqual({ done: true, metadata: { state: 'SUCCEEDED', cancelRequested: false } });
  });

  it('a bad export is a GraphQL error naming the field; an unknown id is NOT_FOUND', async () => {
    const refused = await graphql(system.gateway, `mutation { startExport(input: { dataset: "sales", format: CSV, columns: ["bogus"] }) { id } }`);
    expect(refused.body.errors[0].message).toMatch(/sales has no column "bogus"/);
    expect(JSON.stringify(refused.body.errors[0].extensions)).toMatch(/columns\[0\]/);
    const missing = await graphql(system.gateway, `{ export(id: "0193a9e0-0000-7000-8000-000000000000") { id } }`);
    expect(missing.body.errors[0].extensions.code).toBe('NOT_FOUND');
  });
});

describe('npm run export', () => {
  it('copies the mart into --out, month by month, each file checked against the manifest', async () => {
    const out = mkdtempSync(join(tmpdir(), 'tributary-mart-'));
    try {
      const url = `http://127.0.0.1:${reporting.service.port}`;
      const lines: string[] = [];
      const args = ['--dataset', 'sales', '--from', '2026-01-01', '--to', '2026-04-01', '--format', 'parquet', '--partition-by', 'month', '--out', out, '--url', url];
      const operation = await runExportCommand(exportCommandFromArgs(args), { pollMs: 20, progress: false, log: (line) => lines.push(line) });
      expect(readdirSync(join(out, 'sales')).sort()).toEqual(['_manifest.json', 'month=2026-01', 'month=2026-02', 'month=2026-03']);
      const manifest = JSON.parse(readFileSync(join(out, 'sales', '_manifest.json'), 'utf8'));
      expect(manifest).toEqual(operation.response);
      expect(lines.at(-1)).toBe(`${manifest.rows} rows in ${manifest.files.length} files under ${join(out, 'sales')}`);
      const duckdb = await (await DuckDBInstance.create(':memory:')).connect();
      const counted = await duckdb.runAndReadAll(`SELECT count(*)::INT AS rows FROM read_parquet('${out}/sales/*/*.parquet')`);
      duckdb.closeSync();
      expect(counted.getRowObjects()).toEqual([{ rows: manifest.rows }]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('says what is wrong with its arguments, and what the app refused', async () => {
    expect(() => exportCommandFromArgs(['--format', 'parquet'])).toThrow('--dataset is required');
    expect(() => exportCommandFromArgs(['--dataset', 'sales', '--format', 'pdf'])).toThrow('--format must be one of ndjson, csv, parquet, xlsx');
    const url = `http://127.0.0.1:${reporting.service.port}`;
    await expect(runExportCommand(exportCommandFromArgs(['--dataset', 'sales', '--format', 'csv', '--from', '2026-05-01', '--to', '2026-04-01', '--url', url]), { progress: false, log: () => undefined })).rejects.toThrow(
      'filters.to: filters.to must be later than filters.from',
    );
  });
});
