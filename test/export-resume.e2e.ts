import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationIdOf, type ExportOperation, type ExportRequest } from '@tributary/contracts';
import { projectPath, type DatabaseLocation } from '@tributary/database';
import { freePorts, startService, syntheticStoreStatements, TestDatabases } from '@tributary/testing';
import { reportingServiceWith } from '../apps/reporting/src/reporting-app.module.js';
import { reportingRolesOf, storeOnlyReportingConfig } from './support/store-only-reporting.js';

/**
 * The reporting app as its own process (`node dist/apps/reporting/src/main.js`), killed
 * with SIGKILL in the middle of an export, then started again: the queue gives the job
 * to the new process once the dead one's heartbeat is missed, the export resumes from
 * its last committed part, and its files are the same, checksum for checksum, as those
 * of an export that ran without a break.
 */
const run = promisify(execFile);
const databases = new TestDatabases();
const build = join('.test-build', `export-resume-${process.pid}`);
const folder = mkdtempSync(join(tmpdir(), 'tributary-export-resume-'));
const reportingConfig = storeOnlyReportingConfig(`er${process.pid}`);
const PART_ROWS = 2000;
let store: DatabaseLocation;
let app: { child: ChildProcess; url: string; output: () => string } | undefined;

beforeAll(async () => {
  await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', '-d', build, '--quiet'], { cwd: projectPath() });
  store = databases.kind === 'postgres' ? await databases.create('reporting') : { dataDir: join(folder, 'reporting') };
  // The store, migrated and filled with 40,000 sales rows, before the app runs as a process.
  const filling = await startService(reportingServiceWith(() => reportingConfig), databases, { config: { database: store } });
  for (const statement of syntheticStoreStatements({ customers: 500, products: 200, orders: 20_000, linesPerOrder: 2 })) await filling.db.$executeRawUnsafe(statement);
  await filling.close();
}, 180_000);

afterAll(async () => {
  app?.child.kill('SIGKILL');
  await databases.dropAll();
  for (const role of reportingRolesOf(reportingConfig)) await databases.dropRole(role);
  rmSync(projectPath(build), { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

function environment(port: number, overrides: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    LOG_LEVEL: 'info',
    REPORTING_PORT: String(port),
    REPORTING_SQL_PORT: 'off',
    REPORTING_READER_ROLE: reportingConfig.reader.role,
    REPORTING_PUMP_ROLE_PREFIX: reportingConfig.pumpRolePrefix,
    ...(store.url ? { REPORTING_DATABASE_URL: store.url } : { REPORTING_DATA_DIR: store.dataDir }),
    EXPORT_DIR: join(folder, 'exports'),
    EXPORT_PART_ROWS: String(PART_ROWS),
    EXPORT_PAGE_ROWS: '250',
    EXPORT_SUPERVISE_SECONDS: '1',
    EXPORT_CONCURRENCY: '2',
    ...overrides,
  };
}

function spawnWithOutput(script: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string } {
  const child = spawn(process.execPath, [projectPath(build, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return { child, output: () => output };
}

async function startApp(overrides: Record<string, string> = {}): Promise<NonNullable<typeof app>> {
  const [port] = await freePorts(1);
  const { child, output: read } = spawnWithOutput('apps/reporting/src/main.js', environment(port, overrides));
  const output = read;
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`the reporting app exited: ${output()}`);
    if (await fetch(`${url}/health`).then((response) => response.ok, () => false)) break;
    if (tries > 600) throw new Error(`the reporting app did not answer: ${output()}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, output };
}

async function operation(name: string): Promise<ExportOperation> {
  return (await (await fetch(`${app!.url}/v1/${name}`)).json()) as ExportOperation;
}

async function until(name: string, done: (operation: ExportOperation) => boolean, seconds: number): Promise<ExportOperation> {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const current = await operation(name);
    if (done(current)) return current;
    if (Date.now() > deadline) throw new Error(`${name} is still ${JSON.stringify(current.metadata)}; the app said: ${app!.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function start(body: ExportRequest): Promise<ExportOperation> {
  const response = await fetch(`${app!.url}/v1/exports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status).toBe(202);
  return (await response.json()) as ExportOperation;
}

const fingerprint = (operation: ExportOperation) => operation.response!.files.map(({ path, rows, bytes, sha256, month }) => ({ path: path.replace(/^[^/]+\/[^/]+\//, ''), rows, bytes, sha256, month }));

const EXPORTS: ExportRequest[] = [
  { dataset: 'sales', format: 'parquet', partitionBy: 'month' },
  { dataset: 'sales', format: 'csv', gzip: true },
];

describe('exports whose worker is killed with SIGKILL', () => {
  it('resume from their last committed part in the next process, and write the same files as runs without a break (Parquet by month, gzipped CSV)', async () => {
    app = await startApp();
    const interrupted = await Promise.all(EXPORTS.map(start));
    const before = await Promise.all(interrupted.map((operation) => until(operation.name, (current) => current.metadata.parts >= 3, 60)));
    expect(before.map((operation) => operation.done)).toEqual([false, false]);
    app.child.kill('SIGKILL');
    await new Promise((resolve) => app!.child.once('exit', resolve));

    app = await startApp();
    const resumed = await Promise.all(interrupted.map((operation) => until(operation.name, (current) => current.done, 90)));
    for (const [index, operation] of resumed.entries()) {
      expect(operation.metadata.state).toBe('SUCCEEDED');
      expect(operation.response!.rows).toBe(40_000);
      // It went on from its committed parts; it did not start again.
      const resumedAfter = new RegExp(`export ${operationIdOf(operation)} resumes after part (\\d+)`).exec(app.output());
      expect(Number(resumedAfter?.[1])).toBeGreaterThanOrEqual(before[index]!.metadata.parts);
    }

    const uninterrupted = await Promise.all(EXPORTS.map(async (body) => until((await start(body)).name, (current) => current.done, 60)));
    expect(resumed.map(fingerprint)).toEqual(uninterrupted.map(fingerprint));
    app.child.kill('SIGTERM');
    await new Promise((resolve) => app!.child.once('exit', resolve));
    app = undefined;
  }, 240_000);
});

describe.skipIf(databases.kind !== 'postgres')('export workers on PostgreSQL', () => {
  it('several worker processes share one queue: an app that only queues, two workers that run everything between them', async () => {
    app = await startApp({ EXPORT_CONCURRENCY: '0' });
    const workers = [0, 1].map(() => spawnWithOutput('apps/reporting/src/export-worker.js', environment(0, { EXPORT_CONCURRENCY: '1', EXPORT_PAGE_ROWS: '100' })));
    try {
      const started = await Promise.all(['csv', 'ndjson', 'parquet', 'csv'].map((format) => start({ dataset: 'orders', format: format as ExportRequest['format'] })));
      const done = await Promise.all(started.map((operation) => until(operation.name, (current) => current.done, 90)));
      expect(done.map((operation) => operation.metadata.state)).toEqual(['SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED', 'SUCCEEDED']);
      expect(done.map((operation) => operation.response!.rows)).toEqual([20_000, 20_000, 20_000, 20_000]);
      // Each worker ran some of them, and the app, which only queues, none.
      const ranBy = (output: string) => started.filter((operation) => output.includes(`export ${operationIdOf(operation)} wrote`)).length;
      expect(workers.map((worker) => ranBy(worker.output()))).toEqual([expect.any(Number), expect.any(Number)]);
      expect(workers.every((worker) => ranBy(worker.output()) > 0)).toBe(true);
      expect(workers.reduce((sum, worker) => sum + ranBy(worker.output()), 0)).toBe(4);
      expect(ranBy(app.output())).toBe(0);
    } finally {
      for (const worker of workers) {
        worker.child.kill('SIGTERM');
        await new Promise((resolve) => worker.child.once('exit', resolve));
      }
      app.child.kill('SIGTERM');
      await new Promise((resolve) => app!.child.once('exit', resolve));
      app = undefined;
    }
  }, 120_000);
});
