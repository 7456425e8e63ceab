import type { DatabaseHandle } from './database-handle.js';

/** What bulk loading needs of a Prisma client. */
interface RawSql {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/**
 * Runs a bulk load into `tables` with their secondary indexes dropped, then builds
 * them again from their saved definitions. Keeping a handful of B-trees up to date row
 * by row, in random key order, is what makes a million-row load crawl; one sorted
 * build per index at the end is many times faster. Primary keys and unique indexes
 * stay, so the load still refuses duplicates.
 */
export async function withSecondaryIndexesDeferred<T>(db: RawSql, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  const indexes = await db.$queryRawUnsafe<Array<{ name: string; definition: string }>>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
     FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
     WHERE t.relname = ANY($1::text[]) AND t.relnamespace = 'public'::regnamespace AND NOT x.indisprimary AND NOT x.indisunique`,
    [...tables],
  );
  for (const index of indexes) await db.$executeRawUnsafe(`DROP INDEX "${index.name}"`);
  try {
    return await load();
  } finally {
    for (const index of indexes) await db.$executeRawUnsafe(index.definition);
  }
}

/**
 * Wraps a batch writer so that an embedded database checkpoints every `batches`
 * batches: without it, a load of more than about 500 MB of WAL hangs PGlite (see
 * DatabaseHandle). A no-op on PostgreSQL servers.
 */
export function withCheckpoints<T>(handle: DatabaseHandle, write: (batch: T[]) => Promise<void>, batches = 20): (batch: T[]) => Promise<void> {
  let written = 0;
  return async (batch) => {
    await write(batch);
    if (++written % batches === 0) await handle.checkpoint();
  };
}
