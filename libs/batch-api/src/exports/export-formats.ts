import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { stringify } from 'csv-stringify/sync';
import ExcelJS from 'exceljs';
import { ByteWriter, ParquetWriter } from 'hyparquet-writer';
import type { ExportColumn, ExportFormat } from '@tributary/contracts';

/** A page of rows, each an array in the order of the columns; integers as numbers, instants as Dates, null for none. */
export type ExportRow = readonly unknown[];

/**
 * Writes one part file in one format: pages of rows in, bytes out to `out`, with
 * backpressure. Each format's output depends only on its rows and `createdAt` (no
 * clock, no random): a part written again after a crash is the same file.
 */
export type PartEncoder = (columns: readonly ExportColumn[], pages: AsyncIterable<readonly ExportRow[]>, out: Writable, createdAt: Date) => Promise<void>;

export const EXTENSION_OF: Record<ExportFormat, string> = { ndjson: 'ndjson', csv: 'csv', parquet: 'parquet', xlsx: 'xlsx' };

/** A spreadsheet holds 1,048,576 rows, the header included. */
export const XLSX_MAX_ROWS = 1_048_575;

async function write(out: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!out.write(chunk)) await once(out, 'drain');
}

const isoOrNull = (value: unknown): string | null => (value instanceof Date ? value.toISOString() : value === null || value === undefined ? null : String(value));

/** One JSON object per line; instants as ISO 8601 strings, cents as integers. */
const ndjson: PartEncoder = async (columns, pages, out) => {
  const names = columns.map((column) => column.name);
  for await (const rows of pages) {
    let text = '';
    for (const row of rows) {
      const record: Record<string, unknown> = {};
      for (let index = 0; index < names.length; index++) record[names[index]!] = row[index] instanceof Date ? (row[index] as Date).toISOString() : row[index];
      text += `${JSON.stringify(record)}\n`;
    }
    await write(out, text);
  }
};

/** RFC 4180 with a header row, UTF-8, CRLF; instants as ISO 8601, an empty field for null. */
const csv: PartEncoder = async (columns, pages, out) => {
  await write(out, stringify([columns.map((column) => column.name)], { record_delimiter: 'windows' }));
  for await (const rows of pages) {
    await write(out, stringify(rows.map((row) => row.map(isoOrNull)) as string[][], { record_delimiter: 'windows' }));
  }
};

/**
 * Typed columns: strings dictionary-encoded (the writer keeps a dictionary while it
 * pays), integers as INT64, instants as TIMESTAMP_MILLIS. One row group per page, each
 * flushed to `out` as soon as it is encoded.
 */
const parquet: PartEncoder = async (columns, pages, out) => {
  const chunks: Uint8Array[] = [];
  // The writer hands each row group's bytes over as soon as it is encoded, not at the end.
  const writer = new ByteWriter() as ByteWriter & { flush(): void };
  writer.flush = () => {
    chunks.push(writer.getBytes().slice());
    writer.index = 0;
  };
  const schema = [
    { name: 'root', num_children: columns.length },
    ...columns.map((column) => ({ name: column.name, repetition_type: 'OPTIONAL' as const, ...PARQUET_TYPE_OF[column.type] })),
  ];
  const parquetWriter = new ParquetWriter({ writer, schema, createdBy: 'tributary' });
  const drain = async () => {
    for (const chunk of chunks.splice(0)) await write(out, chunk);
  };
  for await (const rows of pages) {
    if (rows.length === 0) continue;
    const columnData = columns.map((column, index) => ({ name: column.name, data: rows.map((row) => parquetValue(column, row[index])) }));
    await parquetWriter.write({ columnData, rowGroupSize: rows.length });
    await drain();
  }
  await parquetWriter.finish();
  writer.flush();
  await drain();
};

const PARQUET_TYPE_OF = {
  string: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  integer: { type: 'INT64', converted_type: 'INT_64' },
  timestamp: { type: 'INT64', converted_type: 'TIMESTAMP_MILLIS' },
} as const;

function parquetValue(column: ExportColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return column.type === 'integer' ? BigInt(value as number) : value;
}

/** A streaming workbook: one sheet, rows committed as they come; instants as date-time cells. */
const xlsx: PartEncoder = async (columns, pages, out, createdAt) => {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  workbook.creator = 'Tributary';
  workbook.created = createdAt;
  workbook.modified = createdAt;
  const sheet = workbook.addWorksheet('data');
  sheet.columns = columns.map((column) => ({ header: column.name, key: column.name, width: 18, ...(column.type === 'timestamp' ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}) }));
  for await (const rows of pages) {
    for (const row of rows) sheet.addRow(row as unknown[]).commit();
    // exceljs writes into `out` without waiting: give the stream a chance to drain between pages.
    if (out.writableNeedDrain) await once(out, 'drain');
  }
  sheet.commit();
  await workbook.commit();
};

export const ENCODER_OF: Record<ExportFormat, PartEncoder> = { ndjson, csv, parquet, xlsx };
