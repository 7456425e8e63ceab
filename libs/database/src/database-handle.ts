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
 * One service's connection to its own database, as a Prisma driver adapter factory.
 * The same Prisma client and the same SQL run on both: PGlite is PostgreSQL compiled
 * to WebAssembly, so `npm start` needs no database server.
 */
export class DatabaseHandle {
  private constructor(
    readonly adapterFactory: SqlMigrationAwareDriverAdapterFactory,
    readonly description: string,
    private readonly closeDriver: () => Promise<void>,
  ) {}

  static open(location: DatabaseLocation): DatabaseHandle {
    if (location.url) {
      const url = new URL(location.url);
      // One pool per process; the service's concurrency is bounded here.
      const factory = new PrismaPg({ connectionString: location.url, max: 10 });
      return new DatabaseHandle(factory, `PostgreSQL ${url.host}${url.pathname}`, async () => undefined);
    }
    if (location.dataDir) mkdirSync(location.dataDir, { recursive: true });
    const pglite = new PGlite(location.dataDir ?? 'memory://');
    return new DatabaseHandle(new PrismaPGlite(pglite), `PGlite ${location.dataDir ?? 'in memory'}`, () => pglite.close());
  }

  get isEmbedded(): boolean {
    return this.description.startsWith('PGlite');
  }

  async close(): Promise<void> {
    await this.closeDriver();
  }
}
