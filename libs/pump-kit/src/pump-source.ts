import type { ReportingRows, ReportingTable, TableChecksum } from '@tributary/contracts';
import type { RawSqlDatabase } from '@tributary/database';

/** A row as a pump read it: the reporting row and the source transaction that wrote it. */
export interface PumpedRow<T extends ReportingTable> {
  xid: string;
  row: ReportingRows[T];
}

/** The transactions a run delivers: ids in [from, to), after the last key delivered. */
export interface PumpRange {
  from: string;
  to: string;
  after?: { xid: string; id: string };
}

/**
 * What a service writes to pump one of its tables: a read of its own database in
 * (xid, id) order, mapped onto the reporting row, and its side of the reconciliation.
 * The kit does the rest (checkpoints, paging, scheduling, delivery).
 */
export interface PumpSource<T extends ReportingTable = ReportingTable> {
  table: T;
  /** The source's own database, for the horizon of a run. */
  database: RawSqlDatabase;
  readPage(range: PumpRange, limit: number): Promise<Array<PumpedRow<T>>>;
  /** Count and checksum of the rows written by transactions below `until`. */
  checksum(until: string): Promise<TableChecksum>;
}

/**
 * The (xid, id) window of a page as SQL, for a source's readPage: `$1` from, `$2` to,
 * `$3`/`$4` the key after which to continue (or NULL), `$5` the limit.
 */
export function pageWindowSql(table: string): string {
  return `${table}.xid >= $1::text::xid8 AND ${table}.xid < $2::text::xid8
    AND ($3::text IS NULL OR (${table}.xid, ${table}.id) > ($3::text::xid8, $4::text))
    ORDER BY ${table}.xid, ${table}.id LIMIT $5`;
}

export function pageWindowArgs(range: PumpRange, limit: number): unknown[] {
  return [range.from, range.to, range.after?.xid ?? null, range.after?.id ?? '', limit];
}

/**
 * An order-independent checksum of (id, version) over rows: the sum of a 64-bit hash of
 * each pair, so that a source and the store compute the same figure over the same rows
 * whatever their physical order. Versions are compared at millisecond precision, which
 * is what both sides store.
 */
export function checksumSql(id: string, version: string): string {
  return `COALESCE(SUM(hashtextextended(${id} || '|' || to_char(${version} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS'), 0)::numeric), 0)::text`;
}

/** A source's side of the reconciliation, for its checksum(): rows of transactions below `until`. */
export async function sourceChecksum(db: RawSqlDatabase, table: string, until: string): Promise<TableChecksum> {
  const [row] = await db.$queryRawUnsafe<Array<{ count: bigint; checksum: string }>>(
    `SELECT count(*) AS count, ${checksumSql('id', 'updated_at')} AS checksum FROM ${table} WHERE xid < $1::text::xid8`,
    until,
  );
  return { until, count: Number(row!.count), checksum: row!.checksum };
}
