import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TableReconciliation } from '@tributary/contracts';
import { projectPath } from '@tributary/database';
import { TEST_DATA } from '@tributary/testing';
import { startSystem, type RunningService, type SystemUnderTest } from './support/system-under-test.js';

/**
 * The backup pump, as `npm run backup` and `npm run pump:backup` run it: each service's
 * backup (the running service's copy of its embedded database, or pg_dump), restored
 * into a scratch database and loaded into an empty store with the service's own
 * mapping. The store then reconciles with the live services, which the load never
 * called; and the live batch pump goes on from the backup's horizon with only what
 * changed since.
 */
const run = promisify(execFile);
const build = join('.test-build', `backup-pump-${process.pid}`);
const folder = mkdtempSync(join(tmpdir(), 'tributary-backups-'));
const SERVICES = ['customers', 'orders', 'catalog'] as const;
let system: SystemUnderTest;

beforeAll(async () => {
  await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', '-d', build, '--quiet'], { cwd: projectPath() });
  system = await startSystem(TEST_DATA, {}, { reporting: true });
}, 120_000);

afterAll(async () => {
  await system?.close();
  rmSync(projectPath(build), { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

const url = (service: RunningService) => `http://127.0.0.1:${service.port}`;

/** `node apps/<service>/src/backup.js <command> …` with the settings `npm start` would give it. */
async function backupCommand(service: (typeof SERVICES)[number], args: string[]): Promise<string> {
  const running = system[service];
  const prefix = service.toUpperCase();
  const env = {
    ...process.env,
    LOG_LEVEL: 'warn',
    REPORTING_URL: url(system.reporting!.service),
    [`${prefix}_PORT`]: String(running.port),
    ...(running.config.database.url ? { [`${prefix}_DATABASE_URL`]: running.config.database.url } : {}),
  };
  const { stdout } = await run(process.execPath, [projectPath(build, `apps/${service}/src/backup.js`), ...args], { env });
  return stdout;
}

async function reconciliation(): Promise<TableReconciliation[]> {
  return (await request(system.reporting!.service.http).get('/v1/reconciliation').expect(200)).body.tables;
}

describe('the backup round trip', () => {
  // Six commands, each a Node process of its own: more than a minute when the machine is busy.
  it('backs up every service, loads an empty store from the backups alone, and reconciles with the live services', async () => {
    for (const service of SERVICES) {
      const output = await backupCommand(service, ['dump', '--out', join(folder, `${service}.backup`)]);
      expect(output).toMatch(new RegExp(`^${service}: [\\d.]+ MB in [\\d.]+ s → .*${service}\\.backup \\(horizon \\d+`, 'm'));
      expect(JSON.parse(readFileSync(join(folder, `${service}.backup.json`), 'utf8'))).toMatchObject({
        service,
        format: system[service].config.database.url ? 'pg_dump' : 'pglite-datadir',
        xidHorizon: expect.stringMatching(/^\d+$/),
      });
    }
    const requestsBefore = SERVICES.map((service) => system[service].requests.count);
    const outputs: string[] = [];
    for (const service of SERVICES) outputs.push(await backupCommand(service, ['load', '--from', join(folder, `${service}.backup`)]));
    // The load read the scratch copies, never the live services.
    expect(SERVICES.map((service) => system[service].requests.count)).toEqual(requestsBefore);
    expect(outputs.join('')).toContain(`orders: orders: ${TEST_DATA.orders.toLocaleString('en')} of ${TEST_DATA.orders.toLocaleString('en')} rows (100%)`);
    expect(outputs.join('')).toMatch(/customers: customers: replaced by 1,200 rows from the backup/);

    const tables = await reconciliation();
    const [rates] = await system.orders.db.$queryRawUnsafe<Array<{ source: number }>>(`SELECT count(*)::int AS source FROM rates`);
    expect(tables.map((t) => ({ table: t.table, count: t.store.count, difference: t.countDifference, matches: t.matches }))).toEqual([
      { table: 'customers', count: TEST_DATA.customers, difference: 0, matches: true },
      { table: 'products', count: TEST_DATA.products, difference: 0, matches: true },
      { table: 'orders', count: TEST_DATA.orders, difference: 0, matches: true },
      { table: 'rates', count: rates!.source, difference: 0, matches: true },
    ]);
    const [lines] = await system.reporting!.service.db.$queryRawUnsafe<Array<{ store: number }>>(`SELECT count(*)::int AS store FROM reporting_v1.order_lines`);
    const [sourceLines] = await system.orders.db.$queryRawUnsafe<Array<{ source: number }>>(`SELECT count(*)::int AS source FROM order_lines`);
    expect(lines!.store).toBe(sourceLines!.source);
  }, 180_000);

  it('the live batch pump then delivers only what changed since the backup', async () => {
    const [customer] = await system.customers.db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM customers ORDER BY id LIMIT 1`);
    await request(system.customers.http).patch(`/v1/customers/${customer!.id}`).send({ name: 'Changed After The Backup' }).expect(200);
    const results = await system.reporting!.pumpAll();
    expect(results.map((r) => [r.table, r.rowsRead])).toEqual([['customers', 1], ['products', 0], ['orders', 0], ['rates', 0]]);
    expect(await system.reporting!.service.db.$queryRawUnsafe(`SELECT name FROM reporting_v1.customers WHERE id = $1`, customer!.id)).toEqual([{ name: 'Changed After The Backup' }]);
    expect((await reconciliation()).every((t) => t.matches)).toBe(true);
  });

  it('loading the same backup again replaces the table as a whole: a row the store has and the backup does not is gone', async () => {
    await system.reporting!.service.db.$executeRawUnsafe(`INSERT INTO reporting_store.products (id, sku, title, category, price_cents, currency, version) VALUES ('stray', 'STRAY', 'Stray', 'Toys', 1, 'EUR', now())`);
    await backupCommand('catalog', ['load', '--from', join(folder, 'catalog.backup')]);
    expect(await system.reporting!.service.db.$queryRawUnsafe(`SELECT id FROM reporting_v1.products WHERE id = 'stray'`)).toEqual([]);
    expect((await reconciliation()).find((t) => t.table === 'products')).toMatchObject({ countDifference: 0, matches: true });
  });
});
