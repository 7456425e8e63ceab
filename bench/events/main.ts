// npm run bench:events [-- --seconds 60 --rate 100 --database-url postgresql://…]
// The event pump's end-to-end lag (a write committed in a service → visible in
// reporting_v1) under a steady load of writes, through a NATS server of its own and on
// the embedded default (relays straight into the store). The lags are the store's own
// measurements (GET /v1/freshness: the events of the last minute, per table).
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { DatabaseLocation } from '@tributary/database';
import { EventPipeline } from './event-pipeline.js';
import { builtPath } from '../processes.js';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '55' }, rate: { type: 'string', default: '100' }, 'database-url': { type: 'string' } } });
const seconds = Number(values.seconds);
const rate = Number(values.rate);
const server = values['database-url'] ?? process.env.BENCH_DATABASE_URL;
const natsServer = process.env.NATS_SERVER_BIN ?? ['/usr/sbin/nats-server', '/usr/bin/nats-server', '/usr/local/bin/nats-server'].find((path) => existsSync(path));
const folders: string[] = [];
const created: string[] = [];

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: server });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function folder(name: string): string {
  const path = mkdtempSync(join(tmpdir(), `tributary-bench-events-${name}-`));
  folders.push(path);
  return path;
}

async function location(name: string): Promise<DatabaseLocation> {
  if (!server) return { dataDir: folder(name) };
  const database = `tributary_bench_events_${name}`;
  await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
  await admin(`CREATE DATABASE "${database}"`);
  created.push(database);
  const url = new URL(server);
  url.pathname = `/${database}`;
  return { url: url.toString() };
}

async function measure(variant: 'nats' | 'embedded'): Promise<void> {
  const runId = `bench${variant === 'nats' ? 'n' : 'e'}`;
  const pipeline = await EventPipeline.start({
    build: builtPath(),
    databases: { customers: await location(`${runId}_customers`), orders: await location(`${runId}_orders`), catalog: await location(`${runId}_catalog`), reporting: await location(`${runId}_reporting`) },
    ...(variant === 'nats' ? { nats: { binary: natsServer!, storeDir: folder('nats') } } : {}),
    runId,
    data: { customers: 1000, products: 200, orders: 10_000 },
    log: (line) => console.log(`${variant}: ${line}`),
  });
  try {
    console.log(`${variant}: ${rate} writes/s for ${seconds} s …`);
    let state = 7;
    const random = () => ((state = (state * 48271) % 2147483647) / 2147483647);
    const load = await pipeline.load(seconds, rate, random);
    await pipeline.waitUntilCaughtUp();
    const { tables } = await pipeline.freshness();
    const lags = tables.filter((t) => t.events.lag).map((t) => ({ table: t.table, ...t.events.lag! }));
    const worstP99 = Math.max(...lags.map((l) => l.p99Seconds));
    const goal = variant === 'nats' ? 1 : 2;
    console.log(`${variant}: ${load.writes} writes (${(load.writes / seconds).toFixed(1)}/s), ${load.failed} failed`);
    for (const lag of lags) console.log(`${variant}:   ${lag.table.padEnd(9)} ${lag.events} events, p50 ${(lag.p50Seconds * 1000).toFixed(0)} ms, p99 ${(lag.p99Seconds * 1000).toFixed(0)} ms`);
    console.log(`${variant}: worst p99 ${(worstP99 * 1000).toFixed(0)} ms against a goal of ${goal * 1000} ms: ${worstP99 < goal ? 'met' : 'NOT met'}`);
  } finally {
    await pipeline.stop();
    if (server) for (const role of pipeline.roles) await admin(`DROP ROLE IF EXISTS "${role}"`).catch(() => undefined);
  }
}

try {
  console.log(`event pump lag, ${server ? `PostgreSQL at ${new URL(server).host}` : 'embedded PGlite'}; reproduce with: npm run bench:events -- --seconds ${seconds} --rate ${rate}${server ? ' --database-url …' : ''}`);
  if (natsServer) await measure('nats');
  else console.log('nats: skipped, no nats-server binary (Debian package nats-server, or NATS_SERVER_BIN)');
  await measure('embedded');
} finally {
  for (const database of created) await admin(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`).catch(() => undefined);
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
}
process.exit(0);
