import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { DatabaseLocation } from './database-handle.js';
import { readCommittedBefore } from './write-horizon.js';

const run = promisify(execFile);

/**
 * What a backup holds, written beside it as `<file>.json`. `xidHorizon` is where the
 * source's batch pump can go on from after a load of this backup: every transaction
 * below it is in the backup, so reading the live database from there on brings the
 * store up to date. `committedBefore` is the watermark the backup delivers.
 */
export interface BackupManifest {
  service: string;
  format: 'pglite-datadir' | 'pg_dump';
  xidHorizon: string;
  committedBefore: string;
  takenAt: string;
  bytes: number;
}

export const manifestPathOf = (file: string) => `${file}.json`;

export function readManifest(file: string): BackupManifest {
  try {
    return JSON.parse(readFileSync(manifestPathOf(file), 'utf8')) as BackupManifest;
  } catch (error) {
    throw new Error(`${manifestPathOf(file)}, the manifest a backup is written with, cannot be read: ${(error as Error).message}`, { cause: error });
  }
}

export function writeManifest(file: string, manifest: BackupManifest): void {
  writeFileSync(manifestPathOf(file), `${JSON.stringify(manifest, null, 2)}\n`);
}

/**
 * A consistent copy of an embedded database: its whole data directory as a gzipped tar
 * (WAL included, replayed on load). Taken inside a transaction, which on PGlite holds
 * every other one off: nothing is half-written, and the horizon is exact.
 */
export async function dumpEmbedded(pglite: PGlite): Promise<{ archive: Buffer; xidHorizon: string; committedBefore: Date }> {
  return pglite.transaction(async (tx) => {
    const committedBefore = await readCommittedBefore({ $queryRawUnsafe: async (sql: string) => (await tx.query(sql)).rows as never });
    const { rows } = await tx.query<{ horizon: string }>(`SELECT pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`);
    const file = await pglite.dumpDataDir('gzip');
    return { archive: Buffer.from(await file.arrayBuffer()), xidHorizon: rows[0]!.horizon, committedBefore };
  });
}

/**
 * `pg_dump --format=custom` of a PostgreSQL database, in a snapshot this function holds
 * open and exports, so that the horizon it reads is exactly the dump's.
 */
export async function dumpPostgres(url: string, out: string): Promise<{ xidHorizon: string; committedBefore: Date }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const committedBefore = await readCommittedBefore({ $queryRawUnsafe: async (sql: string) => (await client.query(sql)).rows as never });
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ snapshot: string; horizon: string }>(`SELECT pg_export_snapshot() AS snapshot, pg_snapshot_xmin(pg_current_snapshot())::text AS horizon`);
    await run('pg_dump', ['--format=custom', '--no-owner', '--no-acl', `--snapshot=${rows[0]!.snapshot}`, `--file=${out}`, `--dbname=${url}`]);
    await client.query('COMMIT');
    return { xidHorizon: rows[0]!.horizon, committedBefore };
  } finally {
    await client.end();
  }
}

/**
 * Restores a backup into a scratch database of its own, never the live one: an
 * embedded backup into a new PGlite directory, a pg_dump into a new database on
 * `server` (a postgresql:// URL). Rows keep their updatedAt (the stamping trigger is
 * told to keep it). Returns where it is and how to drop it.
 */
export async function restoreToScratch(file: string, manifest: BackupManifest, server?: string): Promise<{ location: DatabaseLocation; drop(): Promise<void> }> {
  if (manifest.format === 'pglite-datadir') {
    const dataDir = mkdtempSync(join(tmpdir(), `tributary-restore-${manifest.service}-`));
    const restored = await PGlite.create({ dataDir, loadDataDir: new Blob([readFileSync(file)], { type: 'application/x-gzip' }) });
    await restored.close();
    return { location: { dataDir }, drop: async () => (await import('node:fs')).rmSync(dataDir, { recursive: true, force: true }) };
  }
  if (!server) throw new Error(`a pg_dump backup is restored on a PostgreSQL server: give its URL (${manifest.service.toUpperCase()}_DATABASE_URL or --scratch-url)`);
  const database = `tributary_restore_${manifest.service}_${Date.now()}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${database}"`);
  await admin.end();
  const url = new URL(server);
  url.pathname = `/${database}`;
  await run('pg_restore', ['--no-owner', '--no-acl', '--exit-on-error', `--dbname=${url}`, file], { env: { ...process.env, PGOPTIONS: '-c tributary.keep_updated_at=on' } });
  return {
    location: { url: url.toString() },
    drop: async () => {
      const client = new pg.Client({ connectionString: server });
      await client.connect();
      await client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
      await client.end();
    },
  };
}
