import { fork } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { projectPath, type DatabaseLocation } from '@tributary/database';
import type { DemoDataSpec } from '@tributary/demo-data';
import type { SeedMessage, ServiceName } from '@tributary/service-kit';

export const SERVICES: readonly ServiceName[] = ['customers', 'catalog', 'orders'];

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
    const child = fork(projectPath('dist', 'apps', service, 'src', 'seed.js'), [JSON.stringify(spec)], {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('message', (message: SeedMessage) => {
      if (message.type === 'progress') onProgress(message.what, message.done, message.total);
    });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding ${service} failed (exit code ${code})`))));
  });
}

export class BenchDatabases {
  private readonly created: string[] = [];

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
    await Promise.all(SERVICES.map((service) => seedInChild(service, spec, serviceDatabaseEnv(service, services[service]), onProgress)));
    const everyServiceInCombined = (service: ServiceName) => serviceDatabaseEnv(service, combined);
    if (combined.url) {
      await Promise.all(SERVICES.map((service) => seedInChild(service, spec, everyServiceInCombined(service), (what, done, total) => onProgress(`${what} (direct SQL)`, done, total))));
    } else {
      // One process at a time may open an embedded database.
      for (const service of SERVICES) await seedInChild(service, spec, everyServiceInCombined(service), (what, done, total) => onProgress(`${what} (direct SQL)`, done, total));
    }
    let subgraphs = services;
    if (!combined.url) {
      subgraphs = {} as Record<ServiceName, DatabaseLocation>;
      for (const service of SERVICES) {
        const dataDir = join((this.server as { folder: string }).folder, `${label}_${service}_federation`);
        rmSync(dataDir, { recursive: true, force: true });
        cpSync(services[service].dataDir!, dataDir, { recursive: true });
        subgraphs[service] = { dataDir };
      }
    }
    return { size, label, services, subgraphs, combined };
  }

  /** Drops what this run created (PostgreSQL databases or PGlite folders). */
  async dropAll(): Promise<void> {
    if (this.server.kind === 'pglite') {
      rmSync(this.server.folder, { recursive: true, force: true });
      return;
    }
    for (const database of this.created.splice(0)) await this.admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  }

  private async location(name: string): Promise<DatabaseLocation> {
    if (this.server.kind === 'pglite') {
      const dataDir = join(this.server.folder, name);
      rmSync(dataDir, { recursive: true, force: true });
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
