import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OrderPlacement } from '@tributary/contracts';
import { projectPath, type DatabaseLocation } from '@tributary/database';
import { freePorts, TestDatabases } from '@tributary/testing';
import { PLACEMENT_CRASH_POINTS, type PlacementCrashPoint } from '../apps/orders/src/placement/placement.config.js';
import { PlacementWorld, Placer } from './support/placement-world.js';

/**
 * The orders service as its own process (`node dist/apps/orders/src/main.js`), made to
 * kill itself with SIGKILL at each point of the placement process in turn (after a
 * step's call answered but before its outcome was recorded, and right after a state
 * change committed), then started again: every placement ends CONFIRMED or REJECTED,
 * never half-done, and no step took effect twice (the stock sums say so).
 */
const run = promisify(execFile);
const databases = new TestDatabases();
const build = join('.test-build', `placement-crash-${process.pid}`);
const folder = mkdtempSync(join(tmpdir(), 'tributary-placement-crash-'));
let world: PlacementWorld;
let database: DatabaseLocation;
let orders: { child: ChildProcess; url: string; output: () => string } | undefined;
const placements: OrderPlacement[] = [];

beforeAll(async () => {
  await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', '-d', build, '--quiet'], { cwd: projectPath() });
  world = await PlacementWorld.start(databases);
  database = databases.kind === 'postgres' ? await databases.create('orders') : { dataDir: join(folder, 'orders') };
}, 180_000);

afterAll(async () => {
  orders?.child.kill('SIGKILL');
  await world?.close();
  await databases.dropAll();
  rmSync(projectPath(build), { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

async function startOrders(crashAt?: PlacementCrashPoint): Promise<NonNullable<typeof orders>> {
  const [port] = await freePorts(1);
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    LOG_LEVEL: 'info',
    ORDERS_PORT: String(port),
    ...(database.url ? { ORDERS_DATABASE_URL: database.url } : { ORDERS_DATA_DIR: database.dataDir }),
    SEED_ON_START: 'off',
    PUMP_SCHEDULE: 'off',
    CUSTOMERS_URL: world.customers.url,
    CATALOG_URL: world.catalog.url,
    PLACEMENT_LEASE_MS: '1500',
    PLACEMENT_CALL_TIMEOUT_MS: '1000',
    PLACEMENT_RETRY_BASE_MS: '50',
    PLACEMENT_RETRY_MAX_MS: '300',
    PLACEMENT_POLL_MS: '50',
    PLACEMENT_DEADLINE_MS: '60000',
    ...(crashAt ? { PLACEMENT_CRASH_AT: crashAt } : {}),
  };
  const child = spawn(process.execPath, [projectPath(build, 'apps/orders/src/main.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the orders service exited: ${output}`);
    if (await fetch(`${url}/health`).then((response) => response.ok, () => false)) break;
    if (tries > 600) throw new Error(`the orders service did not answer: ${output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { child, url, output: () => output };
}

const exited = (child: ChildProcess) =>
  child.exitCode !== null || child.signalCode !== null ? Promise.resolve(child.signalCode) : new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));

describe('the orders process killed with SIGKILL at each step of a placement', () => {
  it.each(PLACEMENT_CRASH_POINTS)('at %s, resumes on restart and ends every placement CONFIRMED or REJECTED with the stock sums intact', async (crashAt) => {
    const [scarce, plenty] = [await world.product(1), await world.product(50)];
    const customerId = await world.customer();
    orders = await startOrders(crashAt);
    const placer = new Placer(orders.url);
    // One that confirms; one that is short of stock after its order exists, so it compensates.
    const bodies = [
      { idempotencyKey: `${crashAt}-confirms`, customerId, currency: 'EUR' as const, lines: [{ productId: plenty.id, quantity: 2 }] },
      { idempotencyKey: `${crashAt}-short`, customerId, currency: 'EUR' as const, lines: [{ productId: plenty.id, quantity: 1 }, { productId: scarce.id, quantity: 2 }] },
    ];
    // The first placement may reach the crash point before the second request is answered: the kill then cuts that request (null here).
    const sent = await Promise.all(bodies.map((body) => placer.request(body).catch(() => null)));
    const signal = await Promise.race([exited(orders.child), new Promise((resolve) => setTimeout(() => resolve('still running'), 30_000))]);
    expect(signal, orders.output().slice(-2000)).toBe('SIGKILL');
    expect(orders.output()).toContain(`PLACEMENT_CRASH_AT=${crashAt}: killing this process`);

    orders = await startOrders();
    const restarted = new Placer(orders.url);
    // As a client does with an idempotency key: a request the kill cut is sent again; 200 if it had been stored, 202 if not.
    const requested = await Promise.all(
      bodies.map(async (body, index) => {
        const answer = sent[index] ?? (await restarted.request(body));
        expect(answer === sent[index] ? [202] : [200, 202], `${body.idempotencyKey}: ${JSON.stringify(answer.body)}`).toContain(answer.status);
        return answer.body;
      }),
    );
    const settled = await Promise.all(requested.map((placement) => restarted.settled(placement.id, 60)));
    placements.push(...settled);
    expect(settled.map((placement) => [placement.state, placement.reason ?? null])).toEqual([
      ['CONFIRMED', null],
      ['REJECTED', 'OUT_OF_STOCK'],
    ]);
    expect(await world.levels([plenty.id, scarce.id])).toEqual([
      { productId: plenty.id, stockOnHand: 48, reserved: 0, committed: 2 },
      { productId: scarce.id, stockOnHand: 1, reserved: 0, committed: 0 },
    ]);
    await world.expectInvariants(orders.url, placements);
    orders.child.kill('SIGTERM');
    await exited(orders.child);
  }, 120_000);
});
