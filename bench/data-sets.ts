import { fork } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { EMBEDDED_SESSION_SETTINGS, projectPath, type DatabaseLocation } from '@tributary/database';
import { demoDataArgs, type DemoDataSpec } from '@tributary/demo-data';
import type { SeedMessage } from '@tributary/service-kit';
import { builtPath } from './processes.js';

/** The apps the benchmark runs: the harness, unlike a lib, knows them. */
export const SERVICES = ['customers', 'catalog', 'orders'] as const;
export type ServiceName = (typeof SERVICES)[number];

export interface DataSize {
  customers: number;
  products: number;
  orders: number;
}

/** Where the benchmark keeps its databases: PostgreSQL databases on one server, or PGlite folders. */
export type DatabaseServer = { kind: 'postgres'; url: string } | { kind: 'pglite'; folder: string };

/**
 * One data set in the three places the contenders read it from, row for row the same
 * (the demo data is deterministic per seed): each service's own database (Tributary
 * and its naive twin), the Federation subgraphs' databases (the very same ones on
 * PostgreSQL; copies on PGlite, which only one process may open), and one database
 * holding every table for direct SQL.
 */
export interface SeededDataSet {
  size: DataSize;
  label: string;
  services: Record<ServiceName, DatabaseLocation>;
  subgraphs: Record<ServiceName, DatabaseLocation>;
  combined: DatabaseLocation;
  /** The reporting store of the store contender: empty until its pumps first fill it. */
  reporting: DatabaseLocation;
}

export type SeedProgressListener = (what: string, done: number, total: number) => void;

/** The environment that points a service's process at its database. */
export function serviceDatabaseEnv(service: ServiceName, location: DatabaseLocation): Record<string, string> {
  const prefix = service.toUpperCase();
  return location.url ? { [`${prefix}_DATABASE_URL`]: location.url } : { [`${prefix}_DATA_DIR`]: location.dataDir! };
}

/** The environment of a benchmark process reading one database (a subgraph, the direct-SQL server). */
export function databaseEnv(location: DatabaseLocation): Record<string, string> {
  return location.url ? { DATABASE_URL: location.url } : { DATA_DIR: location.dataDir! };
}

function seedInChild(service: ServiceName, spec: DemoDataSpec, env: Record<string, string>, onProgress: SeedProgressListener): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(builtPath('apps', service, 'src', 'seed.js'), demoDataArgs(spec), {
      // Port 0: no running service can hold these databases, so the seeder need not look for one.
      env: { ...process.env, ...env, [`${service.toUpperCase()}_PORT`]: '0' },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: SeedMessage) => {
      if (message.type === 'progress') onProgress(message.what, message.done, message.total);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding ${service} failed (exit code ${code})`))));
  });
}

/** What every contender's databases are given (see BenchDatabases.prepare). */
export const PLANNER_SETTINGS = ['random_page_cost = 1.1', 'jit = off'] as const;
/** What is recorded with the results. */
const RECORDED_SETTINGS = ['server_version', 'shared_buffers', 'work_mem', 'effective_cache_size', 'random_page_cost', 'jit', 'max_parallel_workers_per_gather'] as const;

/** A copy this large writes enough WAL to checkpoint after it. */
const LARGE_COPY_BYTES = 32 * 1024 * 1024;

/** Every migration of a service, oldest first, as SQL. */
function migrationScripts(service: ServiceName): string[] {
  const folder = projectPath('prisma', service, 'migrations');
  return readdirSync(folder, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => readFileSync(join(folder, name, 'migration.sql'), 'utf8'));
}

/**
 * Builds the embedded direct-SQL database from the seeded service databases: each
 * service's schema from its migrations, then each table copied over with COPY, which
 * is many times faster than seeding a fourth time. The copy then gets fresh planner
 * statistics, as every seeded database does (runSeed), so every contender plans alike.
 */
async function combineEmbedded(services: Record<ServiceName, DatabaseLocation>, dataDir: string): Promise<void> {
  const combined = new PGlite(dataDir);
  try {
    // Tables arrive one at a time: foreign keys are checked by the services' own loads.
    await combined.exec('SET session_replication_role = replica');
    for (const service of SERVICES) {
      for (const script of migrationScripts(service)) await combined.exec(script);
      const source = new PGlite(services[service].dataDir!);
      try {
        const tables = await source.query<{ name: string }>(`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`);
        for (const { name } of tables.rows) {
          const { blob } = await source.query(`COPY "${name}" TO '/dev/blob'`);
          // An empty table (an outbox with nothing written) gives no blob, and COPY FROM none fails.
          if (!blob?.size) continue;
          await combined.query(`COPY "${name}" FROM '/dev/blob'`, [], { blob });
          // PGlite has no checkpointer: a large copy must checkpoint as it goes (see DatabaseHandle).
          if (blob && blob.size > LARGE_COPY_BYTES) await combined.exec('CHECKPOINT');
        }
      } finally {
        await source.close();
      }
    }
    await combined.exec('ANALYZE');
  } finally {
    await combined.close();
  }
}

export class BenchDatabases {
  private readonly created: string[] = [];
  private emptyClusterFolder?: Promise<string>;

  constructor(
    readonly server: DatabaseServer,
    private readonly prefix: string,
  ) {}

  describe(): string {
    if (this.server.kind === 'pglite') return `PGlite (embedded PostgreSQL 17 in WebAssembly) under ${this.server.folder}`;
    const url = new URL(this.server.url);
    return `PostgreSQL at ${url.host} (databases ${this.prefix}_*)`;
  }

  /** Seeds `size` into every place a contender reads from. */
  async seed(size: DataSize, seed: number, until: Date, onProgress: SeedProgressListener): Promise<SeededDataSet> {
    const label = `${size.orders}`;
    const spec: DemoDataSpec = { ...size, seed, until };
    const services = {} as Record<ServiceName, DatabaseLocation>;
    for (const service of SERVICES) services[service] = await this.location(`${label}_${service}`);
    const combined = await this.location(`${label}_all`);
    const reporting = await this.location(`${label}_reporting`);
    const seedServices = () => Promise.all(SERVICES.map((service) => seedInChild(service, spec, serviceDatabaseEnv(service, services[service]), onProgress)));
    let subgraphs = services;
    if (combined.url) {
      // A server takes the direct-SQL copy's load alongside the services'.
      const direct = (what: string, done: number, total: number) => onProgress(`${what} (direct SQL)`, done, total);
      await Promise.all([seedServices(), ...SERVICES.map((service) => seedInChild(service, spec, serviceDatabaseEnv(service, combined), direct))]);
    } else {
      await seedServices();
      onProgress('the direct-SQL copy', 0, 1);
      await combineEmbedded(services, combined.dataDir!);
      onProgress('the direct-SQL copy', 1, 1);
      subgraphs = {} as Record<ServiceName, DatabaseLocation>;
      for (const service of SERVICES) {
        const dataDir = join((this.server as { folder: string }).folder, `${label}_${service}_federation`);
        cpSync(services[service].dataDir!, dataDir, { recursive: true });
        subgraphs[service] = { dataDir };
      }
    }
    return { size, label, services, subgraphs, combined, reporting };
  }

  /**
   * Sets every database of a data set the same way and records how: the planner's
   * cost of a random page as on SSDs (1.1, as the independent run had it; PostgreSQL's
   * default of 4 makes it scan where an index pays), JIT off (it costs more than it
   * saves on statements of milliseconds), then VACUUM ANALYZE, so that every contender
   * plans on fresh statistics and a visibility map. The settings are given to the
   * databases, not to the server: other databases on the server are left as they are.
   * shared_buffers is the server's: it is recorded, not set.
   */
  async prepare(dataSet: SeededDataSet): Promise<Record<string, string>> {
    // The reporting store is filled (and analysed) by its own app; its database gets the settings once it exists.
    const locations = [...new Set([...Object.values(dataSet.services), ...Object.values(dataSet.subgraphs), dataSet.combined].map((l) => l.url ?? l.dataDir!))];
    if (dataSet.reporting.url) for (const setting of PLANNER_SETTINGS) await this.admin(`ALTER DATABASE "${new URL(dataSet.reporting.url).pathname.slice(1)}" SET ${setting}`);
    let recorded: Record<string, string> = {};
    for (const location of locations) {
      const onServer = location.startsWith('postgres');
      const run = onServer ? await this.onServerDatabase(location) : await this.onEmbedded(location);
      try {
        // PGlite applies no per-database settings: every embedded session sets them itself (EMBEDDED_SESSION_SETTINGS).
        if (onServer) for (const setting of PLANNER_SETTINGS) await run(`ALTER DATABASE "${new URL(location).pathname.slice(1)}" SET ${setting}`);
        await run('VACUUM ANALYZE');
      } finally {
        await run.close();
      }
    }
    const first = locations[0]!;
    const run = first.startsWith('postgres') ? await this.onServerDatabase(first) : await this.onEmbedded(first);
    try {
      for (const name of RECORDED_SETTINGS) recorded = { ...recorded, [name]: String(((await run(`SHOW ${name}`)) as Array<Record<string, unknown>>)[0]![name]) };
    } finally {
      await run.close();
    }
    return recorded;
  }

  private async onServerDatabase(url: string): Promise<((sql: string) => Promise<unknown[]>) & { close(): Promise<void> }> {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return Object.assign(async (sql: string) => (await client.query(sql)).rows, { close: () => client.end() });
  }

  private async onEmbedded(dataDir: string): Promise<((sql: string) => Promise<unknown[]>) & { close(): Promise<void> }> {
    const pglite = new PGlite(dataDir);
    await pglite.exec(EMBEDDED_SESSION_SETTINGS);
    return Object.assign(async (sql: string) => (await pglite.query<Record<string, unknown>>(sql)).rows, { close: () => pglite.close() });
  }

  /** Drops what this run created (PostgreSQL databases or PGlite folders). */
  async dropAll(): Promise<void> {
    if (this.server.kind === 'pglite') {
      // A process that has just been stopped may still be closing its files: retry, rather
      // than fail the run at its very end (and hide whatever error brought it here).
      rmSync(this.server.folder, { recursive: true, force: true, maxRetries: 10, retryDelay: 200 });
      return;
    }
    for (const database of this.created.splice(0)) await this.admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }

  /** An empty database (or PGlite folder) of this run, dropped with the others. */
  async location(name: string): Promise<DatabaseLocation> {
    if (this.server.kind === 'pglite') {
      const dataDir = join(this.server.folder, name);
      rmSync(dataDir, { recursive: true, force: true });
      cpSync(await this.emptyCluster(this.server.folder), dataDir, { recursive: true });
      return { dataDir };
    }
    const database = `${this.prefix}_${name}`;
    await this.admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await this.admin(`CREATE DATABASE "${database}"`);
    this.created.push(database);
    const url = new URL(this.server.url);
    url.pathname = `/${database}`;
    return { url: url.toString() };
  }

  /**
   * A PGlite folder that has been through initdb and nothing else, made once per run:
   * every new embedded database starts as a copy of it. PGlite runs initdb for each new
   * folder, which costs seconds each time; the copy is the same empty cluster.
   */
  private emptyCluster(folder: string): Promise<string> {
    this.emptyClusterFolder ??= (async () => {
      const dataDir = join(folder, 'empty-cluster');
      rmSync(dataDir, { recursive: true, force: true });
      mkdirSync(dataDir, { recursive: true });
      await (await PGlite.create(dataDir)).close();
      return dataDir;
    })();
    return this.emptyClusterFolder;
  }

  /** Roles a reporting app made on the server (its reader, its pumps'): they outlive the databases. */
  async dropRoles(roles: readonly string[]): Promise<void> {
    if (this.server.kind === 'pglite') return;
    for (const role of roles) await this.admin(`DROP ROLE IF EXISTS "${role}"`);
  }

  private async admin(sql: string): Promise<void> {
    const client = new pg.Client({ connectionString: (this.server as { url: string }).url });
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
