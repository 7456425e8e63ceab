import { appendFileSync, mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlMigrationAwareDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { PrismaPGlite } from 'pglite-prisma-adapter';

/** Where one service's database lives: a PostgreSQL URL, or else an embedded PGlite. */
export interface DatabaseLocation {
  /** postgresql://… — when set, the service runs on real PostgreSQL. */
  url?: string;
  /** PGlite data directory; absent means in memory (tests). */
  dataDir?: string;
  /**
   * In memory only: an initialised cluster to start from (PGlite's `loadDataDir`, a
   * `dumpDataDir` tarball) instead of running initdb, which costs seconds per database.
   * Tests give every database a copy of one empty cluster (TestDatabases).
   */
  initialData?: Blob;
  /** Append every statement read through Prisma, with its parameters, to this file (one JSON line each): for the benchmark's plans. */
  statementLog?: string;
}

/**
 * PGlite has no checkpointer process: once the WAL written since the last checkpoint
 * reaches what would make PostgreSQL request one (about 540 MB with the default
 * max_wal_size), the next write spins forever (seen seeding a million orders). A
 * running service checkpoints on this timer; bulk loads, whose promise chains can keep
 * the event loop from ever reaching its timers, checkpoint as they go (withCheckpoints).
 */
const PGLITE_CHECKPOINT_INTERVAL_MS = 30_000;

/**
 * What every embedded database session runs with. Its data is in memory or on local
 * disk: a random page costs about what a sequential one does, and PostgreSQL's default
 * of 4 makes the planner scan where an index pays. PGlite has no JIT. It runs as a
 * single-user backend, which applies no per-database settings (ALTER DATABASE … SET),
 * so each session sets these itself.
 */
export const EMBEDDED_SESSION_SETTINGS = 'SET random_page_cost = 1.1; SET jit = off;';

/**
 * One service's connection to its own database, as a Prisma driver adapter factory.
 * The same Prisma client and the same SQL run on both: PGlite is PostgreSQL compiled
 * to WebAssembly, so `npm start` needs no database server.
 */
export class DatabaseHandle {
  private constructor(
    readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory,
    readonly description: string,
    private readonly pglite?: PGlite,
    /** The PostgreSQL URL; undefined for an embedded database. */
    readonly url?: string,
  ) {}

  private checkpointTimer?: NodeJS.Timeout;

  /** The embedded database itself, for what goes past Prisma (the reporting app's SQL interface); undefined on PostgreSQL. */
  get embedded(): PGlite | undefined {
    return this.pglite;
  }

  static open(location: DatabaseLocation): DatabaseHandle {
    const logged = (factory: SqlMigrationAwareDriverAdapterFactory) => (location.statementLog ? loggingStatements(factory, location.statementLog) : factory);
    if (location.url) {
      const url = new URL(location.url);
      // One pool per process; the service's concurrency is bounded here.
      const factory = runningScriptsWhole(new PrismaPg({ connectionString: location.url, max: 10 }));
      return new DatabaseHandle(logged(factory), `PostgreSQL ${url.host}${url.pathname}`, undefined, location.url);
    }
    if (location.dataDir) mkdirSync(location.dataDir, { recursive: true });
    const pglite = location.dataDir ? new PGlite(location.dataDir) : new PGlite('memory://', location.initialData ? { loadDataDir: location.initialData } : {});
    void pglite.exec(EMBEDDED_SESSION_SETTINGS);
    const handle = new DatabaseHandle(logged(new PrismaPGlite(pglite)), `PGlite ${location.dataDir ?? 'in memory'}`, pglite);
    handle.checkpointTimer = setInterval(() => void handle.checkpoint(), PGLITE_CHECKPOINT_INTERVAL_MS).unref();
    return handle;
  }

  /** Flushes the WAL of an embedded database; a PostgreSQL server does this itself. */
  async checkpoint(): Promise<void> {
    if (this.pglite && !this.pglite.closed) await this.pglite.exec('CHECKPOINT');
  }

  async close(): Promise<void> {
    clearInterval(this.checkpointTimer);
    await this.pglite?.close();
  }
}

/**
 * @prisma/adapter-pg runs a migration script by splitting it at every semicolon, which
 * cuts a function body (`$$ … ; … $$`) apart. PostgreSQL's simple query protocol takes
 * the whole script as it is, as psql and `prisma migrate deploy` send it.
 */
function runningScriptsWhole(factory: SqlMigrationAwareDriverAdapterFactory): SqlMigrationAwareDriverAdapterFactory {
  // onError (the adapter's own mapping of pg errors) and underlyingDriver (its pg.Pool) are adapter-pg's, outside the interface.
  type Adapter = Awaited<ReturnType<SqlMigrationAwareDriverAdapterFactory['connect']>> & {
    onError?(error: unknown): never;
    underlyingDriver(): { query(sql: string): Promise<unknown> };
  };
  const wrap = (adapter: Adapter): Adapter =>
    new Proxy(adapter, {
      get(target, property, receiver) {
        if (property === 'executeScript') {
          return async (script: string) => {
            try {
              await target.underlyingDriver().query(script);
            } catch (error) {
              if (target.onError) target.onError(error);
              throw error;
            }
          };
        }
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrap((await factory.connect()) as Adapter),
    connectToShadowDb: async () => wrap((await factory.connectToShadowDb()) as Adapter),
  };
}

/** Writes each statement the adapter runs, with its arguments, as a JSON line. */
function loggingStatements(factory: SqlMigrationAwareDriverAdapterFactory, file: string): SqlMigrationAwareDriverAdapterFactory {
  const log = (query: { sql: string; args: unknown[] }) =>
    appendFileSync(file, `${JSON.stringify({ sql: query.sql, args: query.args }, (_key, value) => (typeof value === 'bigint' ? value.toString() : value))}\n`);
  const wrap = <T extends { queryRaw(query: { sql: string; args: unknown[] }): Promise<unknown> }>(queryable: T): T =>
    new Proxy(queryable, {
      get(target, property, receiver) {
        if (property === 'queryRaw') return (query: { sql: string; args: unknown[] }) => (log(query), target.queryRaw(query as never));
        if (property === 'startTransaction') return async (...args: unknown[]) => wrap(await (target as unknown as { startTransaction(...a: unknown[]): Promise<T> }).startTransaction(...args));
        const value = Reflect.get(target, property, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  return {
    provider: factory.provider,
    adapterName: factory.adapterName,
    connect: async () => wrap(await factory.connect()),
    connectToShadowDb: () => factory.connectToShadowDb(),
  };
}
