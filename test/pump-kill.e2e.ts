import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DatabaseLocation } from '@tributary/database';
import { projectPath } from '@tributary/database';
import { startService, TestDatabases, TEST_DATA, type ServiceUnderTest } from '@tributary/testing';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { reportingServiceWith } from '../apps/reporting/src/reporting-app.module.js';
import { reportingRolesOf, storeOnlyReportingConfig } from './support/store-only-reporting.js';

/**
 * A pump killed with SIGKILL in the middle of a load, as its own process (`npm run
 * pump`), then run again: the store ends equal to the source. The orders service is
 * stopped meanwhile, as an embedded database allows one process at a time.
 */
const run = promisify(execFile);
const databases = new TestDatabases();
const build = join('.test-build', `pump-kill-${process.pid}`);
const dataDir = mkdtempSync(join(tmpdir(), 'tributary-pump-kill-'));
const PAGE_SIZE = 200;
let ordersDatabase: DatabaseLocation;
let reporting: ServiceUnderTest & { url: string };
const reportingConfig = storeOnlyReportingConfig(String(process.pid));

beforeAll(async () => {
  // The pump command as `npm run pump` runs it, compiled into a folder of this test's own.
  await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', '-d', build, '--quiet'], { cwd: projectPath() });
  ordersDatabase = databases.kind === 'postgres' ? await databases.create('orders') : { dataDir };
  const seeded = await startService(ordersService, databases, { data: TEST_DATA, config: { database: ordersDatabase } });
  await seeded.close();
  const service = await startService(reportingServiceWith(() => reportingConfig), databases);
  await service.app.listen(0, '127.0.0.1');
  reporting = { ...service, url: `http://127.0.0.1:${(service.http.address() as { port: number }).port}` };
}, 120_000);

afterAll(async () => {
  await reporting?.close();
  await databases.dropAll();
  for (const role of reportingRolesOf(reportingConfig)) await databases.dropRole(role);
  rmSync(projectPath(build), { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

/** `node apps/orders/src/pump.js`, killed with SIGKILL once it has delivered `killAfterRows` rows, if given. */
function pumpProcess(killAfterRows?: number): Promise<{ signal: NodeJS.Signals | null; code: number | null; output: string }> {
  const env = {
    ...process.env,
    LOG_LEVEL: 'warn',
    REPORTING_URL: reporting.url,
    PUMP_PAGE_SIZE: String(PAGE_SIZE),
    // A port nothing listens on: the command checks that no orders service holds the embedded database.
    ORDERS_PORT: '1',
    ...(ordersDatabase.url ? { ORDERS_DATABASE_URL: ordersDatabase.url } : { ORDERS_DATA_DIR: dataDir }),
  };
  const child = spawn(process.execPath, [projectPath(build, 'apps/orders/src/pump.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const watch = (chunk: Buffer) => {
    output += chunk.toString();
    const delivered = [...output.matchAll(/(\d+) rows read/g)].map((m) => Number(m[1]));
    if (killAfterRows !== undefined && Math.max(0, ...delivered) >= killAfterRows) child.kill('SIGKILL');
  };
  child.stdout.on('data', watch);
  child.stderr.on('data', watch);
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, output })));
}

describe('a pump killed with SIGKILL in the middle of a load', () => {
  it('resumes from its checkpoint when run again, and reconciliation shows no difference', async () => {
    const killed = await pumpProcess(3 * PAGE_SIZE);
    expect(killed.signal).toBe('SIGKILL');
    const checkpoint = (await request(reporting.http).get('/v1/pumps/orders/checkpoint').expect(200)).body;
    // Killed mid-run: a run in progress, with some of the orders delivered and not all.
    expect(checkpoint.run).toEqual(expect.objectContaining({ afterId: expect.any(String) }));
    const [{ count: partial }] = await reporting.db.$queryRawUnsafe<Array<{ count: number }>>(`SELECT count(*)::int AS count FROM reporting_store.orders`);
    expect(partial).toBeGreaterThanOrEqual(3 * PAGE_SIZE);
    expect(partial).toBeLessThan(TEST_DATA.orders);

    const resumed = await pumpProcess();
    expect([resumed.code, resumed.output]).toEqual([0, expect.stringMatching(/orders: orders: \d+ of \d+ rows applied/)]);
    // It read on from where the killed run's last committed batch ended, not from the start.
    const [, applied] = /orders: orders: (\d+) of \d+ rows applied/.exec(resumed.output)!;
    expect(Number(applied)).toBe(TEST_DATA.orders - partial);

    const orders = await startService(ordersService, databases, { config: { database: ordersDatabase } });
    try {
      await orders.app.listen(0, '127.0.0.1');
      reportingConfig.sources.orders = `http://127.0.0.1:${(orders.http.address() as { port: number }).port}`;
      const { body } = await request(reporting.http).get('/v1/reconciliation').expect(200);
      expect(body.tables.find((t: { table: string }) => t.table === 'orders')).toEqual(
        expect.objectContaining({ source: expect.objectContaining({ count: TEST_DATA.orders }), store: expect.objectContaining({ count: TEST_DATA.orders }), countDifference: 0, matches: true }),
      );
    } finally {
      await orders.close();
    }
  });
});
