import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import type { ExportConfig } from '@tributary/exports';
import { SERVICE_DATABASE, type ServiceDatabase } from '@tributary/database';
import type { DemoDataSpec } from '@tributary/demo-data';
import { configOf, createServiceApp, SEEDER, type Seeder, type ServiceConfig, type ServiceDefinition } from '@tributary/service-kit';
import type { TestDatabases } from './test-databases.js';

/** What a test needs of a service's database: raw SQL and the statement counter. */
export type TestDatabase = ServiceDatabase & {
  $queryRawUnsafe<T = unknown>(query: string, ...values: unknown[]): Promise<T>;
};

export interface ServiceUnderTest {
  app: INestApplication;
  /** The Node HTTP server, for supertest. */
  http: ReturnType<INestApplication['getHttpServer']>;
  db: TestDatabase;
  config: ServiceConfig;
  close(): Promise<void>;
}

export const TEST_DATA: DemoDataSpec = {
  customers: 1200,
  products: 1100,
  orders: 3000,
  seed: 7,
  until: new Date('2026-11-01T00:00:00Z'),
};

/** Settings a test changes; the export settings one by one. */
export type ConfigOverrides = Partial<Omit<ServiceConfig, 'exports'>> & { exports?: Partial<ExportConfig> };

/**
 * Boots a real service, built exactly as `npm start` builds it, on a database of its
 * own; seeds its part of `data` when given.
 */
export async function startService(
  definition: ServiceDefinition,
  databases: TestDatabases,
  options: { data?: DemoDataSpec; config?: ConfigOverrides; beforeInit?: (app: INestApplication) => void } = {},
): Promise<ServiceUnderTest> {
  const defaults = configOf(definition, {});
  // Each service under test exports into a folder of its own, removed when it closes; under a
  // `.data` folder, as `npm start`'s is (file servers refuse dot folders unless told).
  const exportRoot = mkdtempSync(join(tmpdir(), `tributary-exports-${definition.service}-`));
  const exportDirectory = join(exportRoot, '.data', 'exports');
  const config: ServiceConfig = {
    ...defaults,
    database: options.config?.database ?? (await databases.create(definition.service)),
    port: 0,
    logLevel: (process.env.TEST_LOG_LEVEL as ServiceConfig['logLevel'] | undefined) ?? 'silent',
    pageTokenSecret: 'test-page-token-secret',
    // A test runs a service's pumps itself, against a reporting app it started.
    pump: { ...defaults.pump, scheduled: false },
    ...options.config,
    exports: { ...defaults.exports, directory: exportDirectory, ...options.config?.exports },
  };
  const app = await createServiceApp(definition.module(config), config, definition.about);
  options.beforeInit?.(app);
  await app.init();
  if (options.data) await app.get<Seeder>(SEEDER).seed(options.data, () => undefined);
  const db = app.get<TestDatabase>(SERVICE_DATABASE);
  const close = async () => {
    await app.close();
    rmSync(exportRoot, { recursive: true, force: true });
  };
  return { app, http: app.getHttpServer(), db, config, close };
}
