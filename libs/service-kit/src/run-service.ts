import { Logger, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SERVICE_DATABASE, type ServiceDatabase } from '@tributary/database';
import { DEFAULT_DEMO_DATA, progressByTenths, type DemoDataSpec, type SeedProgress } from '@tributary/demo-data';
import { createServiceApp, type ServiceDescription } from './create-service-app.js';
import { SEEDER, type Seeder } from './seeder.js';
import { serviceConfigFromEnv, type ServiceConfig, type ServiceName } from './service.config.js';

export interface ServiceDefinition {
  service: ServiceName;
  about: ServiceDescription;
  module: (config: ServiceConfig) => DynamicModule;
}

/**
 * Seeds, then refreshes the planner's statistics of the whole database: after a bulk
 * load they describe empty tables, PGlite has no autovacuum to refresh them, and
 * PostgreSQL's comes late.
 */
async function seedAndAnalyze(app: INestApplicationContext, spec: DemoDataSpec, progress: SeedProgress): Promise<void> {
  await app.get<Seeder>(SEEDER).seed(spec, progress);
  await app.get<ServiceDatabase>(SERVICE_DATABASE).$executeRawUnsafe('ANALYZE');
}

/** main.ts of every service: configure, migrate, seed an empty database, listen. */
export async function runService(definition: ServiceDefinition): Promise<void> {
  const config = serviceConfigFromEnv(definition.service);
  const app = await createServiceApp(definition.module(config), config, definition.about);
  await app.init();
  const logger = new Logger(definition.service);
  const seeder = app.get<Seeder>(SEEDER);
  if (config.seedOnStart && (await seeder.isEmpty())) {
    const started = performance.now();
    await seedAndAnalyze(app, DEFAULT_DEMO_DATA, progressByTenths((line) => logger.log(line)));
    logger.log(`seeded the demo data set in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await app.listen(config.port, '0.0.0.0');
  logger.log(`${definition.service} listening on http://localhost:${config.port} (docs at /docs)`);
}

/** A message from a seeding child process to `npm run seed`. */
export type SeedMessage = { type: 'progress'; service: ServiceName; what: string; done: number; total: number } | { type: 'done'; service: ServiceName; seconds: number };

/**
 * seed.ts of every service: replaces the service's rows with its part of the data set.
 * Run by `npm run seed`, which passes the spec as JSON and draws the progress bars.
 */
export async function runSeed(definition: ServiceDefinition, specJson = process.argv[2]): Promise<void> {
  if (!specJson) throw new Error('usage: seed.js <spec as JSON>; run it through `npm run seed`');
  const spec: DemoDataSpec = JSON.parse(specJson, (key, value) => (key === 'until' ? new Date(value) : value));
  const config = { ...serviceConfigFromEnv(definition.service), logLevel: 'warn' as const };
  const app = await NestFactory.createApplicationContext(definition.module(config), { logger: ['error', 'warn'] });
  const send = (message: SeedMessage) => (process.send ? process.send(message) : console.log(JSON.stringify(message)));
  try {
    const started = performance.now();
    await app.get<Seeder>(SEEDER).wipe();
    await seedAndAnalyze(app, spec, (what, done, total) => send({ type: 'progress', service: definition.service, what, done, total }));
    send({ type: 'done', service: definition.service, seconds: (performance.now() - started) / 1000 });
  } finally {
    await app.close();
  }
}
