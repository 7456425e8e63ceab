import type { TestDatabase } from './service-under-test.js';

/**
 * Every row of the tables, as a digest: equal fingerprints mean nothing changed. The
 * transaction that wrote a row (`xid`, the pumps' bookkeeping) is not part of its data.
 */
export async function fingerprintOf(db: TestDatabase, tables: readonly string[]): Promise<string[]> {
  const parts: string[] = [];
  for (const table of tables) {
    const [row] = await db.$queryRawUnsafe<Array<{ rows: number; digest: string | null }>>(
      `SELECT COUNT(*)::int AS rows, md5(string_agg(r::text, ',' ORDER BY r::text)) AS digest FROM (SELECT to_jsonb(t) - 'xid' AS r FROM ${table} t) rows`,
    );
    parts.push(`${table}:${row!.rows}:${row!.digest}`);
  }
  return parts;
}
