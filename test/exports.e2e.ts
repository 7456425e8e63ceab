import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { parquetReadObjects } from 'hyparquet';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COUNTED_ORDER_STATUSES, type ExportFormat, type ExportOperation, type ExportRequest } from '@tributary/contracts';
import { TEST_DATA } from '@tributary/testing';
import { startSystem, type ReportingUnderTest, type SystemUnderTest } from './support/system-under-test.js';

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
  system = await startSystem(TEST_DATA, {}, { reporting: true, exports: { partRows: PART_ROWS, pageRows: 400 } });
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

async function download(location: string): Promise<Buffer> {
  const { body } = await api().get(location).buffer(true).parse((response, callback) => {
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
      expect(files.map((file) => file.path)).toEqual(files.map((_, index) => `sales/${operation.name.slice(11)}/part-${String(index + 1).padStart(4, '0')}.${format}${gzip ? '.gz' : ''}`));
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

  it('partitioned by month: one folder per month, and each month sums to the salesByMonth report', async () => {
    const operation = await exported({ dataset: 'sales', filters: { ...PERIOD, status: [...COUNTED_ORDER_STATUSES] }, columns: ['placed_at', 'currency', 'revenue_cents'], format: 'parquet', partitionBy: 'month' });
    const revenue = new Map<string, number>();
    for (const file of operation.response!.files) {
      expect(file.path).toMatch(new RegExp(`^sales/[0-9a-f-]+/month=${file.month}/part-\\d{4}\\.parquet$`));
      const bytes = await download(file.location);
      const rows = (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Array<{ placed_at: Date; currency: string; revenue_cents: bigint }>;
      for (const row of rows) {
        expect(row.placed_at.toISOString().slice(0, 7)).toBe(file.month);
        const key = `${file.month} ${row.currency}`;
        revenue.set(key, (revenue.get(key) ?? 0) + Number(row.revenue_cents));
      }
    }
    const { body: report } = await api().post('/v1/reports/salesByMonth').send(PERIOD).expect(200);
    expect(Object.fromEntries(revenue)).toEqual(Object.fromEntries((report.rows as Array<{ month: string; currency: string; revenueCents: number }>).map((row) => [`${row.month} ${row.currency}`, row.revenueCents])));
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
