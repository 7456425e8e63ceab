import { connect } from 'node:net';
import { Logger, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigError, createAppLogger, PinoNestLogger } from '@tributary/core';
import { SERVICE_DATABASE, type ServiceDatabase } from '@tributary/database';
import { DEFAULT_DEMO_DATA, demoDataSpecFromArgs, progressByTenths, type DemoDataSpec, type SeedProgress } from '@tributary/demo-data';
import { PumpScheduler } from '@tributary/pump-kit';
import { createServiceApp, type ServiceDescription } from './create-service-app.js';
import { SEEDER, type Seeder } from './seeder.js';
import { serviceConfigFromEnv, type ServiceConfig } from './service.config.js';

/** What an app tells the kit about itself: its name, its port, its module. No lib keeps a list of apps. */
export interface ServiceDefinition {
  service: string;
  defaultPort: number;
  about: ServiceDescription;
  module: (config: ServiceConfig) => DynamicModule;
  /** False for an app without demo data of its own (the reporting store is filled by the pumps). */
  seeds?: boolean;
  /** Defaults of this app that differ from every service's, before the environment applies. */
  defaults?: Partial<Pick<ServiceConfig, 'bodyLimitBytes'>>;
}

export function configOf(definition: ServiceDefinition, env = process.env): ServiceConfig {
  return serviceConfigFromEnv(definition.service, definition.defaultPort, env, definition.defaults);
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
  const config = configOf(definition);
  const app = await createServiceApp(definition.module(config), config, definition.about);
  await app.init();
  const logger = new Logger(definition.service);
  if (definition.seeds !== false && config.seedOnStart && (await app.get<Seeder>(SEEDER).isEmpty())) {
    const started = performance.now();
    await seedAndAnalyze(app, DEFAULT_DEMO_DATA, progressByTenths((line) => logger.log(line)));
    logger.log(`seeded the demo data set in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  await app.listen(config.port, '0.0.0.0');
  logger.log(`${definition.service} listening on http://localhost:${config.port} (docs at /docs)`);
}

/** A message from a seeding child process to `npm run seed`. */
export type SeedMessage = { type: 'progress'; service: string; what: string; done: number; total: number } | { type: 'done'; service: string; seconds: number };

/** True when something accepts connections on this local port: a service holding its embedded database. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/**
 * seed.ts of every service, its own command: replaces the service's rows with its part
 * of a data set, `node dist/apps/<service>/src/seed.js --customers N --orders K …`.
 * Under `npm run seed` it reports progress to the parent, which draws the bars; on
 * its own it logs a line per tenth.
 */
export async function runSeed(definition: ServiceDefinition, args = process.argv.slice(2)): Promise<void> {
  const spec = demoDataSpecFromArgs(args);
  const config = { ...configOf(definition), logLevel: 'warn' as const };
  // An embedded database is open in one process at a time: a second writer would corrupt it.
  if (!config.database.url && config.port !== 0 && (await isListening(config.port))) {
    throw new Error(`the ${definition.service} service is running on port ${config.port} with its embedded database open: stop it (npm start), then seed`);
  }
  const app = await NestFactory.createApplicationContext(definition.module(config), { logger: ['error', 'warn'] });
  const send = process.send?.bind(process);
  const log = progressByTenths((line) => console.log(`${definition.service}: ${line}`));
  const progress: SeedProgress = send ? (what, done, total) => send({ type: 'progress', service: definition.service, what, done, total } satisfies SeedMessage) : log;
  try {
    const started = performance.now();
    await app.get<Seeder>(SEEDER).wipe();
    await seedAndAnalyze(app, spec, progress);
    const seconds = (performance.now() - started) / 1000;
    if (send) send({ type: 'done', service: definition.service, seconds } satisfies SeedMessage);
    else console.log(`${definition.service}: seeded in ${seconds.toFixed(1)} s`);
  } finally {
    await app.close();
  }
}

/**
 * pump.ts of every service that pumps, its own command: one run of each of its pumps
 * from their checkpoints (or everything again with `--full`), then exit. Where the
 * database allows a second process: PostgreSQL, or an embedded database whose service
 * is not running.
 */
export async function runPump(definition: ServiceDefinition, args = process.argv.slice(2)): Promise<void> {
  const unknown = args.filter((arg) => arg !== '--full');
  if (unknown.length) throw new Error(`unknown argument ${unknown[0]}: the only option is --full (deliver every row again)`);
  const config = { ...configOf(definition), logLevel: 'warn' as const, pump: { ...configOf(definition).pump, scheduled: false } };
  if (!config.database.url && (await isListening(config.port))) {
    throw new Error(`the ${definition.service} service is running on port ${config.port} with its embedded database open, and pumps from inside: stop it to pump from here`);
  }
  const app = await NestFactory.createApplicationContext(definition.module(config), { logger: ['error', 'warn'] });
  try {
    const results = await app.get(PumpScheduler).runAll({
      full: args.includes('--full'),
      onBatch: (p) => console.log(`${definition.service}: ${p.table}: ${p.rowsRead} rows read, ${p.rowsApplied} applied`),
    });
    for (const r of results) {
      console.log(`${definition.service}: ${r.table}: ${r.rowsApplied} of ${r.rowsRead} rows applied in ${r.seconds.toFixed(2)} s (${Math.round(r.rowsRead / Math.max(r.seconds, 1e-3))} rows/s), horizon ${r.horizon}`);
    }
  } finally {
    await app.close();
  }
}

/** Runs a command of an app, then exits (PGlite and the schema engine leave idle timers), with a one-line error. */
export function runCommand(definition: ServiceDefinition, command: (definition: ServiceDefinition) => Promise<void>): void {
  command(definition).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`${definition.service}: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}

/** The whole of an app's seed.ts: seed, then exit (PGlite and the schema engine leave idle timers), with a one-line error. */
export function runSeedCommand(definition: ServiceDefinition): void {
  runCommand(definition, (d) => runSeed(d));
}

/**
 * export-worker.ts of an app: a process that runs the app's exports and nothing else
 * (no HTTP), beside any number of others on the same queue. On PostgreSQL only: an
 * embedded database is open in one process, the app's own, which runs its exports itself.
 */
export async function runExportWorker(definition: ServiceDefinition, module: (config: ServiceConfig) => DynamicModule): Promise<void> {
  const config = configOf(definition);
  if (!config.database.url) {
    throw new ConfigError(`an export worker shares the ${definition.service} database with the app: set ${definition.service.toUpperCase()}_DATABASE_URL (on the embedded default the app runs its exports itself)`);
  }
  if (config.exports.concurrency === 0) throw new ConfigError('EXPORT_CONCURRENCY is 0: this worker would run nothing');
  const app = await NestFactory.createApplicationContext(module(config), { logger: new PinoNestLogger(createAppLogger(`${definition.service}-export-worker`, config)) });
  app.enableShutdownHooks();
  new Logger('ExportWorker').log(`running ${definition.service} exports, ${config.exports.concurrency} at a time, until stopped`);
}
