import { mkdirSync } from 'node:fs';
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
 * One service's connection to its own database, as a Prisma driver adapter factory.
 * The same Prisma client and the same SQL run on both: PGlite is PostgreSQL compiled
 * to WebAssembly, so `npm start` needs no database server.
 */
export class DatabaseHandle {
  private constructor(
    readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory,
    readonly description: string,
    private readonly pglite?: PGlite,
  ) {}

  private checkpointTimer?: NodeJS.Timeout;

  static open(location: DatabaseLocation): DatabaseHandle {
    if (location.url) {
      const url = new URL(location.url);
      // One pool per process; the service's concurrency is bounded here.
      const factory = new PrismaPg({ connectionString: location.url, max: 10 });
      return new DatabaseHandle(factory, `PostgreSQL ${url.host}${url.pathname}`);
    }
    if (location.dataDir) mkdirSync(location.dataDir, { recursive: true });
    const pglite = new PGlite(location.dataDir ?? 'memory://');
    const handle = new DatabaseHandle(new PrismaPGlite(pglite), `PGlite ${location.dataDir ?? 'in memory'}`, pglite);
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
