import { keysetOrderBy, keysetWhere, type KeysetWindow } from '@tributary/batch-api';
import { KEEP_UPDATED_AT } from '@tributary/database';
import { startService, TestDatabases, type ServiceUnderTest } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { CustomersDatabase } from '../apps/customers/src/database/customers-database.js';

/**
 * keysetWhere as the database runs it: rows that share their updatedAt are where a
 * keyset walk goes wrong (a cursor that compares only timestamps skips or repeats
 * them), so most rows here share theirs.
 */
const databases = new TestDatabases();
let service: ServiceUnderTest;
let db: CustomersDatabase;
const T = (minute: number) => new Date(Date.UTC(2026, 0, 1, 0, minute));
// 4 rows at minute 1, 3 at minute 2, 1 at 3, 4 at 4; ids deliberately not in insertion order.
const ROWS = [
  ['c07', 1], ['c02', 1], ['c11', 1], ['c05', 1],
  ['c09', 2], ['c01', 2], ['c04', 2],
  ['c12', 3],
  ['c03', 4], ['c10', 4], ['c06', 4], ['c08', 4],
] as const;
const ORDER = [...ROWS].sort(([a, ma], [b, mb]) => ma - mb || a.localeCompare(b)).map(([id]) => id);

beforeAll(async () => {
  service = await startService(customersService, databases);
  db = service.app.get(CustomersDatabase);
  // Fixtures with chosen versions: the load keeps the updatedAt it writes, as seeding does.
  await db.$transaction([
    db.$executeRawUnsafe(KEEP_UPDATED_AT),
    ...ROWS.map(([id, minute]) => db.$executeRaw`INSERT INTO customers (id, name, email, country, created_at, updated_at) VALUES (${id}, ${id}, ${`${id}@example.org`}, 'DE', ${T(0)}, ${T(minute)})`),
  ]);
});

afterAll(async () => {
  await service?.close();
  await databases.dropAll();
});

async function page(window: KeysetWindow, take: number): Promise<Array<{ id: string; updatedAt: Date }>> {
  return db.customer.findMany({ where: keysetWhere(window), orderBy: [...keysetOrderBy], take, select: { id: true, updatedAt: true } });
}

async function walk(take: number, window: Omit<KeysetWindow, 'after'>): Promise<string[]> {
  const seen: string[] = [];
  let after: KeysetWindow['after'];
  for (;;) {
    const rows = await page({ ...window, after }, take);
    seen.push(...rows.map((r) => r.id));
    if (rows.length < take) return seen;
    after = rows.at(-1)!;
  }
}

describe('keysetWhere on a real database', () => {
  const committedBefore = T(60);

  it.each([1, 2, 3, 5, 12, 13])('walks every row exactly once, in (updatedAt, id) order, in pages of %i', async (take) => {
    expect(await walk(take, { committedBefore })).toEqual(ORDER);
  });

  it('resumes after a cursor in the middle of rows that share its updatedAt', async () => {
    expect((await page({ after: { updatedAt: T(1), id: 'c05' }, committedBefore }, 4)).map((r) => r.id)).toEqual(['c07', 'c11', 'c01', 'c04']);
    expect((await page({ after: { updatedAt: T(2), id: 'c09' }, committedBefore }, 3)).map((r) => r.id)).toEqual(['c12', 'c03', 'c06']);
  });

  it('starts at updatedSince inclusive, and at the later of updatedSince and the cursor', async () => {
    expect(await walk(2, { committedBefore, updatedSince: T(2) })).toEqual(['c01', 'c04', 'c09', 'c12', 'c03', 'c06', 'c08', 'c10']);
    expect((await page({ after: { updatedAt: T(1), id: 'c11' }, updatedSince: T(4), committedBefore }, 10)).map((r) => r.id)).toEqual(['c03', 'c06', 'c08', 'c10']);
    expect((await page({ after: { updatedAt: T(4), id: 'c06' }, updatedSince: T(1), committedBefore }, 10)).map((r) => r.id)).toEqual(['c08', 'c10']);
  });

  it('reads nothing at or past committedBefore, the horizon of the walk', async () => {
    expect(await walk(5, { committedBefore: new Date(T(2).getTime() + 1) })).toEqual(['c02', 'c05', 'c07', 'c11', 'c01', 'c04', 'c09']);
    expect(await walk(5, { committedBefore: T(2) })).toEqual(['c02', 'c05', 'c07', 'c11']);
  });
});
