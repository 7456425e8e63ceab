import type { TestDatabase } from './service-under-test.js';

/** Every row of the tables, as a digest: equal fingerprints mean nothing changed. */
export async function fingerprintOf(db: TestDatabase, tables: readonly string[]): Promise<string[]> {
  const parts: string[] = [];
  for (const table of tables) {
    const [row] = await db.$queryRawUnsafe<Array<{ rows: number; digest: string | null }>>(
      `SELECT COUNT(*)::int AS rows, md5(string_agg(t::text, ',' ORDER BY t::text)) AS digest FROM ${table} t`,
    );
    parts.push(`${table}:${row!.rows}:${row!.digest}`);
  }
  return parts;
}
