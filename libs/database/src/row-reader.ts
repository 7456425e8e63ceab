import pg from 'pg';
import type { DatabaseHandle } from './database-handle.js';

/**
 * Reads large results as arrays of values, past Prisma: an export of a million rows
 * spends its time in the driver, not in building an object per row. On PostgreSQL a
 * small pool of its own; on the embedded database, PGlite itself.
 *
 * Values come as the drivers give them: timestamps as Dates, int8 as a string (pg) or a
 * number (PGlite); callers convert by the column's type.
 */
export interface RowReader {
  rows(sql: string, params: readonly unknown[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

export function openRowReader(handle: DatabaseHandle, connections = 2): RowReader {
  const embedded = handle.embedded;
  if (embedded) {
    return {
      rows: async (sql, params) => (await embedded.query<unknown[]>(sql, [...params], { rowMode: 'array' })).rows,
      close: async () => undefined,
    };
  }
  const pool = new pg.Pool({ connectionString: handle.url, max: connections });
  return {
    rows: async (sql, params) => (await pool.query<unknown[]>({ text: sql, values: [...params], rowMode: 'array' })).rows,
    close: () => pool.end(),
  };
}
