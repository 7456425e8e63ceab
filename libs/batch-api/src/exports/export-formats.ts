import { once } from 'node:events';
import type { Writable } from 'node:stream';
import type { ExportColumn, ExportFormat } from '@tributary/contracts';

/**
 * A row as the database gives it: the columns' values in order (then the key, which
 * encoders ignore), as text or numbers, null for none; instants as ISO 8601 text for
 * NDJSON and CSV, as epoch milliseconds for Parquet and XLSX (ExportQuery selects them so).
 */
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

const integerOrNull = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/** One JSON object per line; instants as ISO 8601 strings, cents as integers. */
const ndjson: PartEncoder = async (columns, pages, out) => {
  const names = columns.map((column) => column.name);
  const integers = columns.map((column) => column.type === 'integer');
  for await (const rows of pages) {
    let text = '';
    for (const row of rows) {
      const record: Record<string, unknown> = {};
      for (let index = 0; index < names.length; index++) record[names[index]!] = integers[index] ? integerOrNull(row[index]) : row[index];
      text += `${JSON.stringify(record)}\n`;
    }
    await write(out, text);
  }
};

/**
 * A CSV field (RFC 4180): quoted, quotes doubled, when it holds a quote, a comma or a
 * line break; empty for null. Written here rather than with csv-stringify, which cost
 * 2.8 s a million rows, more than reading them: the export must keep up with COPY.
 */
export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** RFC 4180 with a header row, UTF-8, CRLF; instants as ISO 8601, an empty field for null. */
const csv: PartEncoder = async (columns, pages, out) => {
  const width = columns.length;
  await write(out, `${columns.map((column) => csvField(column.name)).join(',')}\r\n`);
  for await (const rows of pages) {
    let text = '';
    for (const row of rows) {
      let line = csvField(row[0]);
      for (let index = 1; index < width; index++) line += `,${csvField(row[index])}`;
      text += `${line}\r\n`;
    }
    await write(out, text);
  }
};

/**
 * Typed columns: strings dictionary-encoded (the writer keeps a dictionary while it
 * pays), integers as INT64, instants as TIMESTAMP_MILLIS. One row group per page, each
 * flushed to `out` as soon as it is encoded.
 */
const parquet: PartEncoder = async (columns, pages, out) => {
  // Loaded when first used: an app that never exports Parquet or XLSX does not pay for the writers at boot.
  const { ByteWriter, ParquetWriter } = await import('hyparquet-writer');
  const chunks: Uint8Array[] = [];
  // The writer hands each row group's bytes over as soon as it is encoded, not at the end.
  const writer = new ByteWriter() as InstanceType<typeof ByteWriter> & { flush(): void };
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

/** INT64 columns take bigints: integers and epoch milliseconds alike. */
function parquetValue(column: ExportColumn, value: unknown): unknown {
  if (value === null || value === undefined) return null;
  return column.type === 'string' ? value : BigInt(value as string);
}

/** A streaming workbook: one sheet, rows committed as they come; instants as date-time cells. */
const xlsx: PartEncoder = async (columns, pages, out, createdAt) => {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: out, useSharedStrings: false, useStyles: true });
  workbook.creator = 'Tributary';
  workbook.created = createdAt;
  workbook.modified = createdAt;
  const sheet = workbook.addWorksheet('data');
  sheet.columns = columns.map((column) => ({ header: column.name, key: column.name, width: 18, ...(column.type === 'timestamp' ? { style: { numFmt: 'yyyy-mm-dd hh:mm:ss' } } : {}) }));
  const cell = columns.map((column) => (column.type === 'timestamp' ? (value: unknown) => (value === null ? null : new Date(Number(value))) : column.type === 'integer' ? integerOrNull : (value: unknown) => value));
  try {
    for await (const rows of pages) {
      for (const row of rows) sheet.addRow(cell.map((convert, index) => convert(row[index]))).commit();
      // exceljs writes into `out` without waiting: give the stream a chance to drain between pages.
      if (out.writableNeedDrain) await once(out, 'drain');
    }
  } catch (error) {
    // Its zip stream keeps writing until the workbook ends: end it, so that nothing is left writing into a part being dropped.
    await workbook.commit().catch(() => undefined);
    throw error;
  }
  sheet.commit();
  await workbook.commit();
};

export const ENCODER_OF: Record<ExportFormat, PartEncoder> = { ndjson, csv, parquet, xlsx };
