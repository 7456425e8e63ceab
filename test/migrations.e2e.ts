import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { applyMigrations, DatabaseHandle, pendingMigrationSql, schemaFolderOf } from '@tributary/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inMemoryDatabase, TestDatabases } from '@tributary/testing';

const services = [
  { service: 'customers', schema: 'public', tables: ['customer_credit', 'customers', 'operations', 'outbox', 'outbox_relay_lease'] },
  { service: 'orders', schema: 'public', tables: ['operations', 'order_lines', 'order_placements', 'orders', 'outbox', 'outbox_relay_lease', 'rates'] },
  { service: 'catalog', schema: 'public', tables: ['operations', 'outbox', 'outbox_relay_lease', 'products', 'stock_levels', 'stock_reservation_lines', 'stock_reservations'] },
  { service: 'reporting', schema: 'reporting_store', tables: ['applied_events', 'customers', 'dead_letters', 'event_progress', 'operations', 'order_lines', 'orders', 'products', 'pump_checkpoints', 'rates'] },
] as const;

/** Runs SQL through the handle's own driver adapter, as the schema engine does: no Prisma client involved. */
async function rows(handle: DatabaseHandle, sql: string): Promise<unknown[][]> {
  const adapter = await handle.adapterFactory.connect();
  try {
    return (await adapter.queryRaw({ sql, args: [], argTypes: [] })).rows;
  } finally {
    await adapter.dispose();
  }
}

/** The shape of a database's schema that its queries depend on, without Prisma's own bookkeeping table. */
async function schemaOf(handle: DatabaseHandle, schema: string) {
  return {
    columns: await rows(
      handle,
      `SELECT table_schema::text, table_name::text, column_name::text, data_type::text, udt_name::text, character_maximum_length::text, is_nullable::text, column_default::text
       FROM information_schema.columns WHERE table_schema IN ('${schema}', 'reporting_v1') AND table_name <> '_prisma_migrations'
       ORDER BY table_schema, table_name, column_name`,
    ),
    indexes: await rows(
      handle,
      `SELECT tablename::text, indexname::text, indexdef FROM pg_indexes
       WHERE schemaname = '${schema}' AND tablename <> '_prisma_migrations' ORDER BY tablename, indexname`,
    ),
  };
}

const databases = new TestDatabases();
const opened: DatabaseHandle[] = [];

afterAll(async () => {
  for (const handle of opened.splice(0)) await handle.close();
  await databases.dropAll();
});

describe.each(services)('migrations of $service', ({ service, schema, tables }) => {
  const folder = schemaFolderOf(service);
  let pglite: DatabaseHandle;
  let firstRun: string[];
  let secondRun: string[];
  let migrationNames: string[];

  beforeAll(async () => {
    migrationNames = (await readdir(folder.migrationsDir, { withFileTypes: true })).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    pglite = DatabaseHandle.open(await inMemoryDatabase());
    opened.push(pglite);
    firstRun = await applyMigrations(folder, pglite.adapterFactory);
    secondRun = await applyMigrations(folder, pglite.adapterFactory);
  });

  it('applies every migration folder to an empty PGlite, in name order, and nothing on a second run', () => {
    expect(migrationNames.length).toBeGreaterThan(0);
    expect(firstRun).toEqual(migrationNames);
    expect(secondRun).toEqual([]);
  });

  it("records each migration once in _prisma_migrations, finished, with the SHA-256 of its migration.sql as `prisma migrate deploy` checks it", async () => {
    const expected = await Promise.all(
      migrationNames.map(async (name) => [name, createHash('sha256').update(await readFile(join(folder.migrationsDir, name, 'migration.sql'))).digest('hex'), true, true, '1']),
    );
    const recorded = await rows(
      pglite,
      `SELECT migration_name, checksum, finished_at IS NOT NULL, rolled_back_at IS NULL, applied_steps_count::text
       FROM _prisma_migrations ORDER BY migration_name, started_at`,
    );
    expect(recorded).toEqual(expected);
  });

  it('builds exactly what schema.prisma describes: no change is left without its migration', async () => {
    expect(await pendingMigrationSql(folder, (await inMemoryDatabase()).initialData)).toBeUndefined();
  });

  it(`creates the database's tables and nothing else in schema ${schema}`, async () => {
    const created = await rows(pglite, `SELECT tablename::text FROM pg_tables WHERE schemaname = '${schema}' AND tablename <> '_prisma_migrations' ORDER BY tablename`);
    expect(created.map(([name]) => name)).toEqual(tables);
  });

  describe.skipIf(!process.env.TEST_DATABASE_URL)('and on an empty PostgreSQL database', () => {
    let postgres: DatabaseHandle;
    let firstRunOnPostgres: string[];
    let migrationLocksLeftBehind: unknown[][];
    let secondRunOnPostgres: string[];

    beforeAll(async () => {
      postgres = DatabaseHandle.open(await databases.create(service));
      opened.push(postgres);
      firstRunOnPostgres = await applyMigrations(folder, postgres.adapterFactory);
      // Prisma Migrate serialises deploys with this session-level advisory lock (key 72707369).
      migrationLocksLeftBehind = await rows(
        postgres,
        `SELECT pid, objid::text FROM pg_locks WHERE locktype = 'advisory'
         AND database = (SELECT oid FROM pg_database WHERE datname = current_database()) AND pid <> pg_backend_pid()`,
      );
      secondRunOnPostgres = await applyMigrations(folder, postgres.adapterFactory);
    });

    it('applies the same migrations, and nothing on a second run', () => {
      expect(firstRunOnPostgres).toEqual(migrationNames);
      expect(secondRunOnPostgres).toEqual([]);
    });

    it('gives it the same columns and indexes as PGlite', async () => {
      const [onPostgres, onPglite] = [await schemaOf(postgres, schema), await schemaOf(pglite, schema)];
      expect(onPglite.columns.length).toBeGreaterThan(0);
      expect(onPglite.indexes.length).toBeGreaterThan(0);
      expect(onPostgres).toEqual(onPglite);
    });

    it("releases Prisma Migrate's lock when it returns, so the next deploy or service start does not wait for it", () => {
      expect(migrationLocksLeftBehind).toEqual([]);
    });
  });
});
