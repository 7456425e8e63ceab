// npm run bench:exports [-- --orders 500000 --database-url postgresql://…]
// Exports of reporting_v1.sales (two lines an order: 1M rows by default) to CSV and to
// Parquet by the reporting app, against the database's own COPY (SELECT …) of the same
// rows in the same order, run in the same process: the time as a share of COPY's speed,
// and the peak resident memory of the process that ran the export (/proc VmHWM).
import { spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { REPORTING_TABLES, type ExportFormat, type ExportOperation } from '@tributary/contracts';
import { applyMigrations, DatabaseHandle, openRowReader, schemaFolderOf, type DatabaseLocation } from '@tributary/database';
import { syntheticStoreStatements } from '@tributary/testing';
import { BenchDatabases } from '../data-sets.js';
import { builtPath, residentMb, startProcess } from '../processes.js';

const { values } = parseArgs({ options: { orders: { type: 'string', default: '500000' }, 'database-url': { type: 'string' }, 'worker-heap-mb': { type: 'string' } } });
const orders = Number(values.orders);
const rows = orders * 2;
const server = values['database-url'] ?? process.env.BENCH_DATABASE_URL;
/** The worker's V8 heap limit, if given: how small a heap the export can run in. */
const WORKER_NODE_OPTIONS = values['worker-heap-mb'] ? [`--max-old-space-size=${values['worker-heap-mb']}`] : [];
const folder = mkdtempSync(join(tmpdir(), 'tributary-bench-exports-'));
const databases = new BenchDatabases(server ? { kind: 'postgres', url: server } : { kind: 'pglite', folder: join(folder, 'databases') }, `tributary_bench_exports_${process.pid}`);
const ROLES = { reader: `reporting_reader_bx${process.pid}`, pumpPrefix: `tributary_pump_bx${process.pid}_` };
const SELECT = `SELECT order_id, line_no, placed_at, status, currency, customer_id, customer_name, country, product_id, sku, title, category, quantity, unit_price_cents, revenue_cents
  FROM reporting_v1.sales ORDER BY placed_at, order_id, line_no`;

const seconds = (since: number) => (performance.now() - since) / 1000;

/** Migrates and fills the store, then times the database's own COPY of the export's rows into a file. */
async function prepare(location: DatabaseLocation): Promise<number> {
  const handle = DatabaseHandle.open(location);
  try {
    await applyMigrations(schemaFolderOf('reporting'), handle.adapterFactory);
    const reader = openRowReader(handle, 1);
    let started = performance.now();
    for (const statement of syntheticStoreStatements({ customers: 20_000, products: 2_000, orders, linesPerOrder: 2 })) {
      await reader.rows(statement, []);
      await handle.checkpoint();
    }
    await reader.close();
    console.log(`filled the store with ${orders.toLocaleString('en')} orders, ${rows.toLocaleString('en')} sales rows in ${seconds(started).toFixed(1)} s`);
    const file = join(folder, 'copy.csv');
    started = performance.now();
    if (handle.embedded) {
      // PGlite has no COPY TO STDOUT: its whole result comes as one blob.
      const result = await handle.embedded.query(`COPY (${SELECT}) TO '/dev/blob' WITH (FORMAT csv, HEADER)`);
      writeFileSync(file, Buffer.from(await result.blob!.arrayBuffer()));
    } else {
      const client = new pg.Client({ connectionString: location.url });
      await client.connect();
      await pipeline(client.query(copyTo(`COPY (${SELECT}) TO STDOUT WITH (FORMAT csv, HEADER)`)), createWriteStream(file));
      await client.end();
    }
    const copySeconds = seconds(started);
    console.log(`COPY (SELECT … ORDER BY the export's key) TO ${handle.embedded ? "'/dev/blob'" : 'STDOUT'} WITH (FORMAT csv): ${copySeconds.toFixed(2)} s`);
    return copySeconds;
  } finally {
    await handle.close();
  }
}

/**
 * One export, by a process of its own so that its peak memory is this export's: on
 * PostgreSQL an export worker (npm run export:worker) beside an app that only queues;
 * on PGlite the app itself, which holds the database.
 */
async function exportOnce(location: DatabaseLocation, format: ExportFormat): Promise<{ seconds: number; rss: number; peak: number; bytes: number }> {
  const env = {
    REPORTING_SQL_PORT: 'off',
    REPORTING_READER_ROLE: ROLES.reader,
    REPORTING_READER_PASSWORD: 'bench',
    REPORTING_PUMP_ROLE_PREFIX: ROLES.pumpPrefix,
    ...(location.url ? { REPORTING_DATABASE_URL: location.url } : { REPORTING_DATA_DIR: location.dataDir! }),
    EXPORT_DIR: join(folder, 'exports'),
  };
  const app = await startProcess('reporting', 'apps/reporting/src/main.js', 'REPORTING_PORT', { ...env, ...(location.url ? { EXPORT_CONCURRENCY: '0' } : {}) });
  const worker = location.url
    ? spawn(process.execPath, [...WORKER_NODE_OPTIONS, builtPath('apps/reporting/src/export-worker.js')], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'inherit', 'inherit'] })
    : undefined;
  const pid = worker?.pid ?? app.pid;
  try {
    // The worker has no /health: a second to start its queue.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const rss = residentMb(pid, 'VmRSS')!;
    const started = performance.now();
    const response = await fetch(`${app.url}/v1/exports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'sales', format }) });
    let operation = (await response.json()) as ExportOperation;
    while (!operation.done) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      operation = (await (await fetch(`${app.url}/v1/${operation.name}`)).json()) as ExportOperation;
    }
    const took = seconds(started);
    if (operation.metadata.state !== 'SUCCEEDED' || operation.response!.rows !== rows) throw new Error(`${format}: ${JSON.stringify(operation.metadata)} ${JSON.stringify(operation.error)}`);
    return { seconds: took, rss, peak: residentMb(pid, 'VmHWM')!, bytes: operation.response!.files.reduce((sum, file) => sum + file.bytes, 0) };
  } finally {
    if (worker) {
      worker.kill('SIGTERM');
      await new Promise((resolve) => worker.once('exit', resolve));
    }
    await app.stop();
  }
}

try {
  const where = server ? `PostgreSQL at ${new URL(server).host}` : 'embedded PGlite';
  console.log(`exports of ${rows.toLocaleString('en')} sales rows, ${where}; reproduce with: npm run bench:exports -- --orders ${orders}${server ? ' --database-url …' : ''}`);
  const location = await databases.location('reporting');
  const copySeconds = await prepare(location);
  console.log(`${server ? 'an export worker process' : 'the reporting app (PGlite runs in it)'} runs each export${WORKER_NODE_OPTIONS.length ? ` (${WORKER_NODE_OPTIONS[0]})` : ''}`);
  console.log('format   | seconds | share of COPY speed | rows/s    | MB written | RSS before | peak RSS');
  for (const format of ['csv', 'parquet'] as const) {
    const result = await exportOnce(location, format);
    const share = copySeconds / result.seconds;
    console.log(
      `${format.padEnd(8)} | ${result.seconds.toFixed(2).padStart(7)} | ${`${(share * 100).toFixed(0)}%`.padStart(19)} | ${Math.round(rows / result.seconds).toLocaleString('en').padStart(9)} | ${(result.bytes / 2 ** 20).toFixed(0).padStart(10)} | ${result.rss.toFixed(0).padStart(7)} MB | ${result.peak.toFixed(0)} MB`,
    );
  }
  console.log(`goals: at least 50% of COPY's speed (CSV), peak RSS under 256 MB${server ? '' : ' (on PGlite the process holds the database too)'}`);
} finally {
  await databases.dropAll().catch(() => undefined);
  await databases.dropRoles([ROLES.reader, ...REPORTING_TABLES.map((table) => `${ROLES.pumpPrefix}${table}`)]).catch(() => undefined);
  rmSync(folder, { recursive: true, force: true });
}
process.exit(0);
