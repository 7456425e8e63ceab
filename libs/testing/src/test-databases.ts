import { randomBytes } from 'node:crypto';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { DatabaseLocation } from '@tributary/database';

let emptyCluster: Promise<Blob> | undefined;

/**
 * A fresh in-memory PGlite: a copy of one empty cluster, made once per process. PGlite
 * runs initdb for every new database (seconds, in a second WebAssembly instance);
 * loading the copy of a cluster that has just been through initdb takes a fraction of
 * that, and gives the same empty database.
 */
export async function inMemoryDatabase(): Promise<DatabaseLocation> {
  emptyCluster ??= (async () => {
    const pglite = new PGlite();
    try {
      await pglite.exec('CHECKPOINT');
      return await pglite.dumpDataDir('none');
    } finally {
      await pglite.close();
    }
  })();
  return { initialData: await emptyCluster };
}

/**
 * Where the databases of one test file live. With TEST_DATABASE_URL, each gets a fresh
 * database on that PostgreSQL server, dropped by `dropAll`; without it, a fresh
 * in-memory PGlite (inMemoryDatabase).
 */
export class TestDatabases {
  private readonly created: string[] = [];
  private readonly prefix = `tributary_test_${randomBytes(4).toString('hex')}`;

  constructor(readonly serverUrl = process.env.TEST_DATABASE_URL) {}

  get kind(): 'postgres' | 'pglite' {
    return this.serverUrl ? 'postgres' : 'pglite';
  }

  async create(name: string): Promise<DatabaseLocation> {
    if (!this.serverUrl) return inMemoryDatabase();
    const database = `${this.prefix}_${name}_${this.created.length}`;
    await this.admin((client) => client.query(`CREATE DATABASE "${database}"`));
    this.created.push(database);
    const url = new URL(this.serverUrl);
    url.pathname = `/${database}`;
    return { url: url.toString() };
  }

  async dropAll(): Promise<void> {
    if (!this.serverUrl) return;
    for (const database of this.created.splice(0)) {
      await this.admin((client) => client.query(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`));
    }
  }

  /** Roles outlive databases: a test that made one drops it once its databases are gone. */
  async dropRole(role: string): Promise<void> {
    if (!this.serverUrl) return;
    await this.admin((client) => client.query(`DROP ROLE IF EXISTS "${role}"`));
  }

  private async admin<T>(run: (client: pg.Client) => Promise<T>): Promise<T> {
    const client = new pg.Client({ connectionString: this.serverUrl });
    await client.connect();
    try {
      return await run(client);
    } finally {
      await client.end();
    }
  }
}
