import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { projectPath, type DatabaseLocation } from '@tributary/database';
import { TestDatabases } from '@tributary/testing';
import { EventPipeline, SERVICES } from '../bench/events/event-pipeline.js';

/**
 * Nothing lost when anything is killed: the services (each with its outbox relay), the
 * reporting app (the consumer) and NATS itself are each killed with SIGKILL, at random
 * moments, under a steady 100 writes/s, and started again. Afterwards the store equals
 * the services: a batch pump run finds nothing newer to deliver, reconciliation shows
 * no difference, and no row of the store ever went back to an older version.
 */
const run = promisify(execFile);
const natsServer = process.env.NATS_SERVER_BIN ?? ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((path) => existsSync(path));
if (!natsServer) console.log('event-pipeline-faults: the NATS variant is skipped, no nats-server binary (Debian package nats-server, or NATS_SERVER_BIN)');

const build = join('.test-build', `event-faults-${process.pid}`);
const WRITES_PER_SECOND = 100;
const databases = new TestDatabases();
const folders: string[] = [];
let pipeline: EventPipeline;
let storeLocation: DatabaseLocation;

beforeAll(async () => {
  await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', 'bench', '-d', build, '--quiet'], { cwd: projectPath() });
}, 120_000);

afterAll(async () => {
  await pipeline?.stop();
  // Roles outlive databases, and cannot go while a database still grants them anything.
  await databases.dropAll();
  for (const role of pipeline?.roles ?? []) await databases.dropRole(role);
  rmSync(projectPath(build), { recursive: true, force: true });
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

function folder(name: string): string {
  const path = mkdtempSync(join(tmpdir(), `tributary-${name}-`));
  folders.push(path);
  return path;
}

/** A small, seeded generator: a failing run can be replayed with its seed. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t ^= t + Math.imul(t ^ (t >>> 7), 61 | t);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Runs SQL on a database wherever it is; an embedded one only while no process holds it. */
async function onDatabase<T>(location: DatabaseLocation, sql: string): Promise<T[]> {
  if (location.url) {
    const client = new pg.Client({ connectionString: location.url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as T[];
    } finally {
      await client.end();
    }
  }
  const pglite = new PGlite(location.dataDir!);
  try {
    const results = await pglite.exec(sql);
    return (results.at(-1)?.rows ?? []) as T[];
  } finally {
    await pglite.close();
  }
}

/** Every update of a store row that would take it to an older version is written down (the version guard should leave none). */
const WATCH_VERSIONS = `
  CREATE TABLE reporting_store.version_regressions (tbl text, id text, old_version timestamptz, new_version timestamptz);
  CREATE FUNCTION reporting_store.watch_versions() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER AS $$
  BEGIN
    IF NEW.version < OLD.version THEN INSERT INTO reporting_store.version_regressions VALUES (TG_TABLE_NAME, NEW.id, OLD.version, NEW.version); END IF;
    RETURN NEW;
  END $$;
  CREATE TRIGGER watch_versions BEFORE UPDATE ON reporting_store.customers FOR EACH ROW EXECUTE FUNCTION reporting_store.watch_versions();
  CREATE TRIGGER watch_versions BEFORE UPDATE ON reporting_store.products FOR EACH ROW EXECUTE FUNCTION reporting_store.watch_versions();
  CREATE TRIGGER watch_versions BEFORE UPDATE ON reporting_store.orders FOR EACH ROW EXECUTE FUNCTION reporting_store.watch_versions();`;

type Target = 'relay' | 'consumer' | 'nats';

const seed = Number(process.env.FAULT_SEED ?? Date.now() % 1_000_000);
const next = random(seed);

beforeAll(async () => {
  const runId = `f${process.pid}`;
  const location = async (app: string): Promise<DatabaseLocation> => (databases.kind === 'postgres' ? databases.create(`${app}_${runId}`) : { dataDir: folder(app) });
  storeLocation = await location('reporting');
  pipeline = await EventPipeline.start({
    build: projectPath(build),
    databases: { customers: await location('customers'), orders: await location('orders'), catalog: await location('catalog'), reporting: storeLocation },
    // The server runs from the start; events go through it once the embedded phase is over.
    ...(natsServer ? { nats: { binary: natsServer, storeDir: folder('nats'), from: 'later' as const } } : {}),
    runId,
    data: { customers: 200, products: 50, orders: 1000 },
    prepareStore: async () => void (await onDatabase(storeLocation, WATCH_VERSIONS)),
  });
}, 240_000);

/** Writes under load while `kills` happen, each at a random moment of its own stretch; then checks that nothing was lost. */
async function underFaults(seconds: number, kills: Target[]): Promise<void> {
  const killed: string[] = [];
  // The ids the writes pick from are read before the first fault: a kill during the set-up would fail the test before it tested anything.
  const write = await pipeline.loadWriter(next);
  const chaos = (async () => {
    const started = Date.now();
    const spacing = ((seconds - 3) * 1000) / kills.length;
    for (const [index, target] of kills.entries()) {
      await sleep(Math.max(0, started + 1000 + index * spacing + next() * spacing * 0.5 - Date.now()));
      const victim = target === 'nats' ? pipeline.nats! : target === 'consumer' ? pipeline.reporting : pipeline.services[SERVICES[Math.floor(next() * SERVICES.length)]!];
      await victim.kill();
      killed.push(`${target}:${'name' in victim ? victim.name : 'nats'}`);
      await sleep(200 + next() * 800);
      await victim.start();
    }
  })();
  const load = await write(seconds, WRITES_PER_SECOND);
  await chaos;
  expect({ seed, killed: killed.length }).toEqual({ seed, killed: kills.length });
  // Not a speed check: the writes must have happened, around the kills. A killed service
  // is down until its restart (seconds on a loaded machine), and its writes fail meanwhile.
  expect(load.writes).toBeGreaterThan(seconds * WRITES_PER_SECOND * 0.1);
  await pipeline.waitUntilCaughtUp();

  // The event pump alone carried every write: a batch run finds nothing newer to deliver.
  const batch = await pipeline.batchPumpOnce();
  expect({ seed, batch: batch.map((r) => ({ table: r.table, applied: r.applied })) }).toEqual({
    seed,
    batch: [{ table: 'customers', applied: 0 }, { table: 'orders', applied: 0 }, { table: 'rates', applied: 0 }, { table: 'products', applied: 0 }],
  });
  // Rates have no events and no writes here: only the tables written to were read again.
  expect(batch.filter((r) => r.table !== 'rates').every((r) => r.read > 0)).toBe(true);
  const reconciliation = await pipeline.reconciliation();
  expect(reconciliation.map((t) => ({ table: t.table, difference: t.countDifference, matches: t.matches }))).toEqual([
    { table: 'customers', difference: 0, matches: true },
    { table: 'products', difference: 0, matches: true },
    { table: 'orders', difference: 0, matches: true },
    { table: 'rates', difference: 0, matches: true },
  ]);
  // An embedded store opens in one process at a time: the store stops while it is read.
  await pipeline.reporting.stop();
  try {
    expect(await onDatabase(storeLocation, 'SELECT * FROM reporting_store.version_regressions')).toEqual([]);
  } finally {
    await pipeline.reporting.start();
  }
}

describe('the event pipeline under SIGKILL, at 100 writes/s', () => {
  // Every kind of kill, and the consumer and NATS each killed again while they recover
  // from the first: each situation the longer lists made, at fewer random moments per
  // run (each kill costs a process start, seconds). FAULT_SEED replays a run's moments.
  it('embedded (relays straight into the store): a relay and the consumer killed, and nothing is lost', () => underFaults(8, ['relay', 'consumer']), 240_000);

  it.skipIf(!natsServer)('through NATS: a relay, the consumer twice running and NATS itself twice running killed, and nothing is lost', async () => {
    await pipeline.useBroker(true);
    await underFaults(12, ['relay', 'consumer', 'consumer', 'nats', 'nats']);
  }, 240_000);
});
