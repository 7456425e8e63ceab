import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import request from 'supertest';
import { projectPath } from '@tributary/database';
import { DEFAULT_DEMO_DATA } from '@tributary/demo-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlInterfaceService } from '../apps/reporting/src/sql-interface/sql-interface.service.js';
import { startSystem, type SystemUnderTest } from './support/system-under-test.js';

const run = promisify(execFile);
let system: SystemUnderTest;
/** The README's psql example: what a BI user tries first. */
const psqlExample = [...readFileSync(projectPath('README.md'), 'utf8').matchAll(/```bash\n(psql [\s\S]*?)```/g)].map((match) => match[1]!)[0];

/** README port → the port this test's instance listens on. */
const ports = new Map<number, number>();

/** The README's bash blocks that call the system: what a new user pastes first. */
const examples = [...readFileSync(projectPath('README.md'), 'utf8').matchAll(/```bash\n([\s\S]*?)```/g)]
  .map((match) => match[1]!)
  .filter((block) => block.includes('curl'));

/** Runs a README block as a user would, against this test's ports. */
async function runExample(block: string, options: { cwd?: string } = {}): Promise<string> {
  let script = block;
  for (const [readmePort, port] of ports) script = script.replaceAll(`localhost:${readmePort}`, `127.0.0.1:${port}`);
  return (await run('bash', ['-euo', 'pipefail', '-c', script], options)).stdout;
}

/** The README's `npm run apikey` examples write here, not into the developer's own key store. */
const keyStore = join(mkdtempSync(join(tmpdir(), 'tributary-readme-keys-')), 'api-keys.json');

beforeAll(async () => {
  process.env.API_KEYS_FILE = keyStore;
  // The demo data of `npm start`, so that the ids in the README exist.
  system = await startSystem(DEFAULT_DEMO_DATA, { auth: { mode: 'open', apiKeysFile: keyStore, jwt: null } }, { reporting: true });
  await system.reporting!.pumpAll();
  await system.gateway.app.listen(0, '127.0.0.1');
  ports.set(4004, system.reporting!.service.port);
  // The embedded store's SQL interface (none on PostgreSQL: there the store is a database of the server).
  const sqlPort = system.reporting!.service.app.get(SqlInterfaceService).port;
  if (sqlPort) ports.set(5433, sqlPort);
  ports.set(4000, (system.gateway.http.address() as AddressInfo).port);
  ports.set(4001, system.customers.port);
  ports.set(4002, system.orders.port);
  ports.set(4003, system.catalog.port);
});

afterAll(async () => {
  delete process.env.API_KEYS_FILE;
  rmSync(dirname(keyStore), { recursive: true, force: true });
  await system?.close();
});

describe('the README curl examples', () => {
  it('are there', () => {
    expect(examples.length).toBeGreaterThanOrEqual(9);
  });

  it.each(examples.map((block, index) => [index + 1, block] as const))('example block %i works as written against the demo data', async (_, block) => {
    const stdout = await runExample(block);
    const expectedProblems = block.match(/# → 400/g)?.length ?? 0;
    expect(stdout.trim()).not.toBe('');
    expect(stdout.match(/"status":400/g)?.length ?? 0).toBe(expectedProblems);
    // Every id in the examples exists in the demo data, but for the ones named as missing.
    expect(stdout.match(/"code":"NOT_FOUND"/g)?.length ?? 0).toBe(block.match(/"no-such-/g)?.length ?? 0);
    expect(stdout).not.toMatch(/"status":5\d\d/);
    expect(stdout).not.toMatch(/"status":40[1-9]/);
  });

  it.each(examples.filter((block) => block.includes('localhost:4000') && !block.includes('npm run -s apikey')).map((block, index) => [index + 1, block] as const))(
    'GraphQL example %i answers without errors (they come with status 200)',
    async (_, block) => {
      const body = JSON.parse(await runExample(block));
      expect(body.errors).toBeUndefined();
      expect(Object.keys(body.data).length).toBeGreaterThan(0);
    },
  );

  it('the API key example: a reporter key gets its report and FORBIDDEN at exports, and is revoked', async () => {
    const [answer, revoked] = (await runExample(examples.find((b) => b.includes('npm run -s apikey'))!)).trim().split('\n');
    const body = JSON.parse(answer!);
    expect(body.data.reports.salesByMonth.length).toBeGreaterThan(0);
    expect(body.data.exports).toBeNull();
    expect(body.errors).toEqual([expect.objectContaining({ message: 'Query.exports needs the role exporter or admin; this credential has reporter', path: ['exports'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
    expect(revoked).toMatch(/^revoked key [0-9a-f]{16} "readme-reporter" \(reporter\)/);
  });

  it('the first report comes from the store, fresh, in one call and none to the services', async () => {
    const body = JSON.parse(await runExample(examples.find((b) => b.includes('topCustomers'))!));
    expect(body.data.reports.topCustomers).toHaveLength(3);
    // In euros: every row converted, ranked by what the customers spent once converted.
    const revenue = body.data.reports.topCustomers.map((row: { currency: string; rateSource: string; revenueCents: number }) => [row.currency, row.rateSource, row.revenueCents]);
    expect(revenue.map(([currency, source]: unknown[]) => [currency, source])).toEqual([['EUR', 'demo'], ['EUR', 'demo'], ['EUR', 'demo']]);
    expect(revenue.map((entry: number[]) => entry[2]!)).toEqual([...revenue.map((entry: number[]) => entry[2]!)].sort((a, b) => b - a));
    expect(body.extensions.freshness.topCustomers).toEqual({ source: 'REPORTING', lagSeconds: expect.any(Number) });
    expect(body.extensions.freshness.topCustomers.lagSeconds).toBeLessThan(60);
    expect(body.extensions.downstream).toEqual({ customers: { calls: 0, keys: 0 }, orders: { calls: 0, keys: 0 }, catalog: { calls: 0, keys: 0 }, reporting: { calls: 1, keys: 0 } });
  });

  it('the same report live shows one call to orders and one to customers, with the same answer', async () => {
    const [fromStore, live] = examples.filter((b) => b.includes('topCustomers'));
    const body = JSON.parse(await runExample(live!));
    expect(body.extensions.freshness.topCustomers).toEqual({ source: 'LIVE', lagSeconds: 0 });
    expect(body.extensions.downstream).toEqual({ customers: { calls: 1, keys: 3 }, orders: { calls: 1, keys: 0 }, catalog: { calls: 0, keys: 0 } });
    expect(body.data).toEqual(JSON.parse(await runExample(fromStore!)).data);
  });

  it('the placeOrder example confirms an order at catalog prices, and the one with too many units is rejected with the reason', async () => {
    const [confirmed, rejected] = ['readme-order-1', 'readme-order-2'].map((key) => examples.find((block) => block.includes(key))!);
    const placed = JSON.parse(await runExample(confirmed!)).data.orderPlacement;
    expect(placed).toMatchObject({ state: 'CONFIRMED', reason: null, order: { status: 'PLACED' } });
    expect(placed.totalCents).toBe(placed.lines.reduce((sum: number, line: { quantity: number; unitPriceCents: number }) => sum + line.quantity * line.unitPriceCents, 0));
    expect(JSON.parse(await runExample(rejected!)).data.orderPlacement).toMatchObject({ state: 'REJECTED', reason: 'OUT_OF_STOCK', order: { status: 'CANCELLED' } });
  });

  it('reconciliation shows no difference after the pumps ran', async () => {
    // The examples above wrote (a customer, an order's status): the next pump run delivers them.
    await system.reporting!.pumpAll();
    const body = JSON.parse(await runExample(examples.find((b) => b.includes('/v1/reconciliation'))!.split('\n').find((line) => line.includes('reconciliation'))!));
    expect(body.tables.map((t: { countDifference: number; matches: boolean }) => [t.countDifference, t.matches])).toEqual([
      [0, true],
      [0, true],
      [0, true],
      [0, true],
    ]);
  });
});

const psqlFound = await run('bash', ['-c', 'command -v psql']).then(
  () => true,
  () => false,
);
if (!psqlFound) console.log('readme: the psql example is skipped: no psql on this machine (apt-get install -y postgresql-client)');

describe.skipIf(!psqlFound)('the README psql example', () => {
  it('answers from reporting_v1 as written', async () => {
    const reporting = system.reporting!;
    // On PostgreSQL the store is a database of the server, read by a reader made there (no development reader): the same query, another URL.
    const store = reporting.service.config.database.url ? new URL(reporting.service.config.database.url) : undefined;
    if (store) {
      const { name, password } = await reporting.createReader();
      [store.username, store.password] = [name, password];
    }
    const stdout = await runExample(store ? psqlExample!.replace(/postgresql:\/\/\S+/, store.toString()) : psqlExample!);
    expect(stdout).toMatch(/category\s+\|\s+currency\s+\|\s+revenue_cents/);
    expect(stdout).toMatch(/\(5 rows\)/);
  });
});

describe('the README export example', () => {
  const exportExample = [...readFileSync(projectPath('README.md'), 'utf8').matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1]!).find((block) => block.includes('startExport'))!;

  it('starts the export through the gateway, follows it, downloads a file through the gateway, and reads the Parquet mart back with DuckDB: the salesByMonth report', async () => {
    // The mart lands where this test's reporting app exports to, not in the project's .data.
    const stdout = await runExample(exportExample.replaceAll('.data/exports', system.reporting!.service.config.exports.directory), { cwd: projectPath() });
    // The download's checksum is the one the last answer states for that file.
    const done = JSON.parse(stdout.split('\n').filter((line) => line.includes('"done":true')).at(-1)!);
    expect(stdout).toMatch(new RegExp(`^${done.data.export.response.files[0].sha256}\\s+-$`, 'm'));
    const mart = [...stdout.matchAll(/'(\d{4}-\d{2})'\s*│\s*'([A-Z]{3})'\s*│\s*'?(\d+)'?/g)].map(([, month, currency, revenue]) => ({ month, currency, revenueCents: Number(revenue) }));
    const { body } = await request(system.reporting!.service.http).post('/v1/reports/salesByMonth').send({ from: '2025-01-01T00:00:00Z', to: '2026-01-01T00:00:00Z' }).expect(200);
    expect(mart.length).toBeGreaterThanOrEqual(12);
    expect(mart).toEqual(body.rows.map(({ month, currency, revenueCents }: { month: string; currency: string; revenueCents: number }) => ({ month, currency, revenueCents })));
  });
});
