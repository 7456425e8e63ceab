import { statSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Controller, Get, Inject, Res } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { PGlite } from '@electric-sql/pglite';
import type { ReportingTable } from '@tributary/contracts';
import { serviceCredentialOf, withServiceCredential } from '@tributary/core';
import { dumpEmbedded, dumpPostgres, readManifest, restoreToScratch, SERVICE_DATABASE, writeManifest, type BackupManifest, type ServiceDatabase } from '@tributary/database';
import { loadFromBackup, PUMP_SOURCES, ReportingStoreClient, type PumpSource } from '@tributary/pump-kit';
import { configOf, isListening, type ServiceDefinition } from './run-service.js';

const HORIZON_HEADER = 'tributary-xid-horizon';
const COMMITTED_BEFORE_HEADER = 'tributary-committed-before';

/**
 * `GET /v1/backup`: a consistent copy of the service's embedded database, taken by the
 * process that holds it open (only one process can). Only services on the embedded
 * default have it; on PostgreSQL, pg_dump does the same (`npm run backup` runs it).
 */
@ApiTags('operations')
@Controller('v1')
export class BackupController {
  constructor(@Inject(SERVICE_DATABASE) private readonly db: ServiceDatabase) {}

  @Get('backup')
  @ApiOperation({ summary: 'The embedded database as a gzipped tar of its data directory, with the transaction horizon it was taken at (headers).' })
  async backup(@Res() response: { setHeader(name: string, value: string): void; end(body: Buffer): void }): Promise<void> {
    const { archive, xidHorizon, committedBefore } = await dumpEmbedded(this.db.handle.embedded!);
    response.setHeader('content-type', 'application/gzip');
    response.setHeader(HORIZON_HEADER, xidHorizon);
    response.setHeader(COMMITTED_BEFORE_HEADER, committedBefore.toISOString());
    response.end(archive);
  }
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * `npm run backup -- <service> --out <file>`: a consistent backup of a service's
 * database, with its manifest beside it (`<file>.json`). On PostgreSQL, `pg_dump` in an
 * exported snapshot; on the embedded default, the data directory, taken by the running
 * service (GET /v1/backup) or, when it is stopped, by this process.
 */
export async function runBackup(definition: ServiceDefinition, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { out: { type: 'string' } } });
  if (!values.out) throw new Error('--out <file> is required: where the backup goes');
  const config = configOf(definition);
  const started = performance.now();
  let taken: Omit<BackupManifest, 'service' | 'takenAt' | 'bytes'>;
  if (config.database.url) {
    console.log(`${definition.service}: pg_dump of ${new URL(config.database.url).pathname.slice(1)} …`);
    const { xidHorizon, committedBefore } = await dumpPostgres(config.database.url, values.out);
    taken = { format: 'pg_dump', xidHorizon, committedBefore: committedBefore.toISOString() };
  } else if (await isListening(config.port)) {
    console.log(`${definition.service}: the running service copies its embedded database (port ${config.port}) …`);
    const response = await fetch(`http://127.0.0.1:${config.port}/v1/backup`, { headers: await withServiceCredential(serviceCredentialOf(config.serviceCredential, `${definition.service}-backup`)) });
    if (!response.ok) throw new Error(`the ${definition.service} service answered GET /v1/backup with ${response.status}: ${await response.text()}`);
    writeFileSync(values.out, Buffer.from(await response.arrayBuffer()));
    taken = { format: 'pglite-datadir', xidHorizon: response.headers.get(HORIZON_HEADER)!, committedBefore: response.headers.get(COMMITTED_BEFORE_HEADER)! };
  } else {
    console.log(`${definition.service}: copying the embedded database in ${config.database.dataDir} …`);
    const pglite = await PGlite.create(config.database.dataDir!);
    try {
      const { archive, xidHorizon, committedBefore } = await dumpEmbedded(pglite);
      writeFileSync(values.out, archive);
      taken = { format: 'pglite-datadir', xidHorizon, committedBefore: committedBefore.toISOString() };
    } finally {
      await pglite.close();
    }
  }
  const bytes = statSync(values.out).size;
  writeManifest(values.out, { service: definition.service, ...taken, takenAt: new Date().toISOString(), bytes });
  console.log(`${definition.service}: ${mb(bytes)} in ${((performance.now() - started) / 1000).toFixed(1)} s → ${values.out} (horizon ${taken.xidHorizon}, manifest ${values.out}.json)`);
}

/**
 * `npm run pump:backup -- <service> --from <file>`: restores the backup into a scratch
 * database (never the live one), and loads the reporting store from it with the
 * service's own pump mapping, as a full reload that replaces each of the service's
 * tables at once. The store's checkpoint becomes the backup's horizon: the live batch
 * pump then delivers what changed since.
 */
export async function runBackupPump(definition: ServiceDefinition, args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { from: { type: 'string' }, 'scratch-url': { type: 'string' } } });
  if (!values.from) throw new Error('--from <file> is required: a backup written by npm run backup');
  const manifest = readManifest(values.from);
  if (manifest.service !== definition.service) throw new Error(`${values.from} is a backup of ${manifest.service}, not of ${definition.service}`);
  const config = configOf(definition);
  console.log(`${definition.service}: restoring ${values.from} (${manifest.format}, taken ${manifest.takenAt}) into a scratch database …`);
  const scratch = await restoreToScratch(values.from, manifest, values['scratch-url'] ?? config.database.url);
  try {
    const scratchConfig = { ...config, database: scratch.location, logLevel: 'warn' as const, seedOnStart: false, pump: { ...config.pump, scheduled: false } };
    const app = await NestFactory.createApplicationContext(definition.module(scratchConfig), { logger: ['error', 'warn'] });
    try {
      const store = new ReportingStoreClient(config.pump.reportingUrl, serviceCredentialOf(config.serviceCredential, `${definition.service}-backup`));
      for (const source of app.get<PumpSource[]>(PUMP_SOURCES)) {
        const { count: total } = await source.checksum('18446744073709551615');
        let shown = -1;
        const result = await loadFromBackup(source, store, manifest, {
          pageSize: config.pump.pageSize,
          onBatch: ({ table, rowsRead }: { table: ReportingTable; rowsRead: number }) => {
            const tenth = total === 0 ? 10 : Math.floor((rowsRead / total) * 10);
            if (tenth !== shown) console.log(`${definition.service}: ${table}: ${rowsRead.toLocaleString('en')} of ${total.toLocaleString('en')} rows (${tenth * 10}%)`);
            shown = tenth;
          },
        });
        console.log(`${definition.service}: ${result.table}: replaced by ${result.rows.toLocaleString('en')} rows from the backup in ${result.seconds.toFixed(1)} s; the live pump goes on from horizon ${manifest.xidHorizon}`);
      }
    } finally {
      await app.close();
    }
  } finally {
    await scratch.drop();
  }
}

/** backup.ts of every service that pumps: `dump --out <file>` or `load --from <file>` (npm run backup, npm run pump:backup). */
export function runBackupCommand(definition: ServiceDefinition, [command, ...args] = process.argv.slice(2)): Promise<void> {
  if (command === 'dump') return runBackup(definition, args);
  if (command === 'load') return runBackupPump(definition, args);
  throw new Error(`unknown command ${JSON.stringify(command)}: dump --out <file>, or load --from <file> [--scratch-url postgresql://…]`);
}
