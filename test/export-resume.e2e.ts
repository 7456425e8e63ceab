import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportOperation, ExportRequest } from '@tributary/contracts';
import { projectPath, type DatabaseLocation } from '@tributary/database';
import { startService, syntheticStoreStatements, TestDatabases } from '@tributary/testing';
import { reportingServiceWith } from '../apps/reporting/src/reporting-app.module.js';
import type { ReportingConfig } from '../apps/reporting/src/reporting.config.js';

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
const roles = { reader: `reporting_reader_er${process.pid}`, pumpPrefix: `tributary_pump_er${process.pid}_` };
const PART_ROWS = 2000;
let store: DatabaseLocation;
let app: { child: ChildProcess; url: string; output: () => string } | undefined;

beforeAll(async () => {
  await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', '-d', build, '--quiet'], { cwd: projectPath() });
  store = databases.kind === 'postgres' ? await databases.create('reporting') : { dataDir: join(folder, 'reporting') };
  // The store, migrated and filled with 40,000 sales rows, before the app runs as a process.
  const config: ReportingConfig = {
    sources: { customers: '', orders: '', products: '' },
    sql: null,
    reader: { role: roles.reader, password: 'x' },
    pumpRolePrefix: roles.pumpPrefix,
    events: { bus: { natsUrl: null, streamPrefix: 'UNUSED', subjectPrefix: 'unused' }, consumerName: 'reporting' },
  };
  const filling = await startService(reportingServiceWith(() => config), databases, { config: { database: store } });
  for (const statement of syntheticStoreStatements({ customers: 500, products: 200, orders: 20_000, linesPerOrder: 2 })) await filling.db.$executeRawUnsafe(statement);
  await filling.close();
}, 180_000);

afterAll(async () => {
  app?.child.kill('SIGKILL');
  await databases.dropAll();
  for (const role of [roles.reader, ...['customers', 'products', 'orders'].map((table) => `${roles.pumpPrefix}${table}`)]) await databases.dropRole(role);
  rmSync(projectPath(build), { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startApp(): Promise<NonNullable<typeof app>> {
  const port = await freePort();
  const env = {
    ...process.env,
    LOG_LEVEL: 'info',
    REPORTING_PORT: String(port),
    REPORTING_SQL_PORT: 'off',
    REPORTING_READER_ROLE: roles.reader,
    REPORTING_PUMP_ROLE_PREFIX: roles.pumpPrefix,
    ...(store.url ? { REPORTING_DATABASE_URL: store.url } : { REPORTING_DATA_DIR: store.dataDir }),
    EXPORT_DIR: join(folder, 'exports'),
    EXPORT_PART_ROWS: String(PART_ROWS),
    EXPORT_PAGE_ROWS: '250',
    EXPORT_SUPERVISE_SECONDS: '1',
    EXPORT_CONCURRENCY: '2',
  };
  const child = spawn(process.execPath, [projectPath(build, 'apps/reporting/src/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null) throw new Error(`the reporting app exited: ${output}`);
    if (await fetch(`${url}/health`).then((response) => response.ok, () => false)) break;
    if (tries > 600) throw new Error(`the reporting app did not answer: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, output: () => output };
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
      const resumedAfter = new RegExp(`export ${operation.name.slice('operations/'.length)} resumes after part (\\d+)`).exec(app.output());
      expect(Number(resumedAfter?.[1])).toBeGreaterThanOrEqual(before[index]!.metadata.parts);
    }

    const uninterrupted = await Promise.all(EXPORTS.map(async (body) => until((await start(body)).name, (current) => current.done, 60)));
    expect(resumed.map(fingerprint)).toEqual(uninterrupted.map(fingerprint));
  }, 240_000);
});
