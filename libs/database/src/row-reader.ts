import pg from 'pg';
import type { DatabaseHandle } from './database-handle.js';

/**
 * Reads large results as arrays of values, past Prisma: an export of a million rows
 * spends its time in the driver, not in building an object per row. On PostgreSQL a
 * small pool of its own; on the embedded database, PGlite itself.
 *
 * On PostgreSQL every value comes as the server's text, unparsed (parsing a million
 * timestamps into Dates costs more than the query); PGlite gives numbers for integer
 * types and text for text. Callers convert by the column's type, and select instants in
 * the form they need them (ISO text, epoch milliseconds).
 */
export interface RowReader {
  rows(sql: string, params: readonly unknown[]): Promise<unknown[][]>;
  close(): Promise<void>;
}

const AS_TEXT = { getTypeParser: () => (value: string) => value } as unknown as pg.CustomTypesConfig;

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
    rows: async (sql, params) => (await pool.query<unknown[]>({ text: sql, values: [...params], rowMode: 'array', types: AS_TEXT })).rows,
    close: () => pool.end(),
  };
}
