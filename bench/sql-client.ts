import { appendFileSync } from 'node:fs';
import pg from 'pg';
import type { DatabaseHandle } from '@tributary/database';

/** One statement with positional parameters ($1, $2, …), answered as rows of objects. */
export type SqlQuery = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface SqlClient {
  query: SqlQuery;
  close(): Promise<void>;
}

/**
 * With SQL_STATEMENT_LOG, every statement is appended to that file as a JSON line
 * `{sql, args}`, the format the services' Prisma adapters write, so that the
 * benchmark's plans (bench/plans.ts) capture it.
 */
export function loggingStatements(query: SqlQuery, file = process.env.SQL_STATEMENT_LOG): SqlQuery {
  if (!file) return query;
  return (sql, params) => {
    appendFileSync(file, `${JSON.stringify({ sql, args: params }, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))}\n`);
    return query(sql, params);
  };
}

/**
 * Plain SQL past Prisma on a service's database: on PostgreSQL a pool of 10, the size
 * of the Prisma adapter's pool it stands beside; on PGlite the handle's own embedded
 * instance, which only one process may open. Statements are logged (loggingStatements).
 */
export function openSqlClient(handle: DatabaseHandle): SqlClient {
  const embedded = handle.embedded;
  if (embedded) return { query: loggingStatements(async (sql, params) => (await embedded.query<Record<string, unknown>>(sql, params)).rows), close: async () => undefined };
  const pool = new pg.Pool({ connectionString: handle.url, max: 10 });
  return { query: loggingStatements(async (sql, params) => (await pool.query<Record<string, unknown>>(sql, params)).rows), close: () => pool.end() };
}
