import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import type { DatabaseLocation } from '@tributary/database';
import type { StoreFreshness } from '@tributary/contracts';
import { startPumpedSystem, storeFilled } from './contenders.js';
import { SERVICES, serviceDatabaseEnv, type BenchDatabases, type SeededDataSet, type ServiceName } from './data-sets.js';
import type { Log } from './run-bench.js';
import { builtPath } from './processes.js';

/** What the pump scenario measured: the pumps' load and catch-up, and raw COPY of the same rows into the same database. */
export interface PumpFigures {
  /** Rows of the store after the initial load: customers, products, orders and their lines, rates. */
  rows: number;
  initialLoad: { seconds: number; rowsPerSecond: number };
  rawCopy: { seconds: number; rowsPerSecond: number };
  /** Pump rows/s over raw COPY rows/s. */
  pumpOverCopy: number;
  catchUp: { updates: number; writeSeconds: number; secondsAfterLastWrite: number };
  pumpIntervalMs: number;
}

const STORE_TABLES = ['customers', 'products', 'orders', 'order_lines', 'rates'] as const;
/** How often an idle pump looks for changes in this scenario (the default is 1000). */
const PUMP_INTERVAL_MS = 100;
const UPDATES = 10_000;
const WRITERS = 16;


async function json<T>(url: string, init?: RequestInit): Promise<T> {
  const response = await fetch(url, init);
  if (!response.ok) throw new Error(`${init?.method ?? 'GET'} ${url}: ${response.status} ${(await response.text()).slice(0, 200)}`);
  return (await response.json()) as T;
}

/** Ids of up to `count` orders with their status, read through the orders service's list. */
async function someOrders(ordersUrl: string, count: number): Promise<Array<{ id: string; status: string }>> {
  const orders: Array<{ id: string; status: string }> = [];
  let token: string | undefined;
  do {
    const page = await json<{ orders: Array<{ id: string; status: string }>; nextPageToken?: string }>(`${ordersUrl}/v1/orders?pageSize=1000${token ? `&pageToken=${token}` : ''}`);
    orders.push(...page.orders);
    token = page.nextPageToken;
  } while (token && orders.length < count);
  return orders.slice(0, count);
}

/**
 * The pump scenario, on the main data set: a fresh store filled by the services' pumps
 * (each `npm run pump -- <service> --full` at once; the load time is the slowest run's
 * own, without process start-up), then 10,000 orders
 * changed through the orders service and the time the store takes to have them all,
 * then raw COPY of the store's rows into empty tables of the same shape in the same
 * database: the floor a bulk load cannot beat.
 */
export async function measurePumps(databases: BenchDatabases, dataSet: SeededDataSet, say: Log): Promise<PumpFigures> {
  const store = await databases.location(`${dataSet.label}_pumped`);
  say(`  pump scenario: each service's pump fills an empty store (npm run pump, the three at once)`);
  // The load needs no service running, only the reporting app; the catch-up then needs the orders service to write.
  const reportingOnly = await startPumpedSystem(dataSet, store, {}, { services: false });
  let runs: PumpRun[];
  try {
    runs = await Promise.all(SERVICES.map((service) => runPumpCommand(service, dataSet, reportingOnly.reportingUrl)));
  } finally {
    await reportingOnly.stop();
  }
  const loadSeconds = Math.max(...runs.map((r) => r.seconds));
  say(`  pump scenario: ${runs.map((r) => `${r.service} ${r.rows.toLocaleString('en')} rows in ${r.seconds} s`).join(', ')}`);

  const system = await startPumpedSystem(dataSet, store, { PUMP_INTERVAL_MS: String(PUMP_INTERVAL_MS) });
  let catchUp: PumpFigures['catchUp'];
  try {
    await storeFilled(system.reportingUrl, say);
    // A tenth of the orders at most: the tiny set of the harness test changes 300.
    const updates = Math.min(UPDATES, Math.floor(dataSet.size.orders / 10));
    const orders = await someOrders(system.services.orders, updates);
    // Each change arrives by the event pump (an event per write) or the batch pump (a newer row), whichever is first.
    const delivered = async () => {
      const orders = (await json<StoreFreshness>(`${system.reportingUrl}/v1/freshness`)).tables.find((t) => t.table === 'orders');
      return { rows: orders?.rowsPumped ?? 0, events: orders?.events.applied ?? 0 };
    };
    const before = await delivered();
    say(`  pump scenario: ${orders.length.toLocaleString('en')} orders change status through the orders service, ${WRITERS} at a time, while its pump runs`);
    const writesStarted = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: WRITERS }, async () => {
        while (next < orders.length) {
          const order = orders[next++]!;
          await json(`${system.services.orders}/v1/orders/${order.id}`, {
            method: 'PATCH',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({ status: order.status === 'SHIPPED' ? 'PAID' : 'SHIPPED' }),
          });
        }
      }),
    );
    const writesEnded = performance.now();
    for (;;) {
      const now = await delivered();
      if (now.events - before.events >= orders.length || now.rows - before.rows >= orders.length) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    catchUp = { updates: orders.length, writeSeconds: round2((writesEnded - writesStarted) / 1000), secondsAfterLastWrite: round2((performance.now() - writesEnded) / 1000) };
  } finally {
    await system.stop();
  }
  say('  pump scenario: raw COPY of the same rows into the same database');
  const copy = await rawCopy(store);
  const pumpRate = copy.rows / loadSeconds;
  const copyRate = copy.rows / copy.seconds;
  const figures: PumpFigures = {
    rows: copy.rows,
    initialLoad: { seconds: round2(loadSeconds), rowsPerSecond: Math.round(pumpRate) },
    rawCopy: { seconds: round2(copy.seconds), rowsPerSecond: Math.round(copyRate) },
    pumpOverCopy: round2(pumpRate / copyRate),
    catchUp,
    pumpIntervalMs: PUMP_INTERVAL_MS,
  };
  say(
    `  pumps: initial load ${figures.rows.toLocaleString('en')} rows in ${figures.initialLoad.seconds} s (${figures.initialLoad.rowsPerSecond.toLocaleString('en')} rows/s), raw COPY ${figures.rawCopy.seconds} s (${figures.rawCopy.rowsPerSecond.toLocaleString('en')} rows/s): ${Math.round(figures.pumpOverCopy * 100)}% of COPY; ${catchUp.updates.toLocaleString('en')} updates in the store ${catchUp.secondsAfterLastWrite} s after the last write`,
  );
  return figures;
}

interface PumpRun {
  service: ServiceName;
  rows: number;
  seconds: number;
}

/** `node dist/apps/<service>/src/pump.js --full`: the run's own figures, as the command prints them. */
function runPumpCommand(service: ServiceName, dataSet: SeededDataSet, reportingUrl: string): Promise<PumpRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [builtPath('apps', service, 'src', 'pump.js'), '--full'], {
      // Port 0: no service holds the database, so the command need not look for one.
      env: { ...process.env, ...serviceDatabaseEnv(service, dataSet.services[service]), REPORTING_URL: reportingUrl, [`${service.toUpperCase()}_PORT`]: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const runs = [...output.matchAll(/: (\w+): (\d+) of (\d+) rows applied in ([\d.]+) s/g)];
      if (code !== 0 || runs.length === 0) return reject(new Error(`the ${service} pump failed (exit code ${code}):\n${output.slice(-2000)}`));
      resolve({ service, rows: runs.reduce((sum, r) => sum + Number(r[3]), 0), seconds: runs.reduce((sum, r) => sum + Number(r[4]), 0) });
    });
  });
}

const round2 = (value: number) => Math.round(value * 100) / 100;

/** Copies every store table into an empty twin (LIKE … INCLUDING ALL: the same indexes) with COPY; the copy alone is timed. */
async function rawCopy(location: DatabaseLocation): Promise<{ rows: number; seconds: number }> {
  let rows = 0;
  let seconds = 0;
  if (location.dataDir) {
    const db = new PGlite(location.dataDir);
    try {
      for (const table of STORE_TABLES) {
        await db.exec(`CREATE TABLE copy_${table} (LIKE reporting_store.${table} INCLUDING ALL)`);
        const { blob } = await db.query(`COPY reporting_store.${table} TO '/dev/blob'`);
        const started = performance.now();
        const result = await db.query(`COPY copy_${table} FROM '/dev/blob'`, [], { blob });
        seconds += (performance.now() - started) / 1000;
        rows += result.affectedRows ?? 0;
        await db.exec(`DROP TABLE copy_${table}`);
      }
    } finally {
      await db.close();
    }
    return { rows, seconds };
  }
  const client = new pg.Client({ connectionString: location.url });
  await client.connect();
  try {
    for (const table of STORE_TABLES) {
      await client.query(`CREATE TABLE copy_${table} (LIKE reporting_store.${table} INCLUDING ALL)`);
      const chunks: Buffer[] = [];
      for await (const chunk of client.query(copyTo(`COPY reporting_store.${table} TO STDOUT`))) chunks.push(chunk as Buffer);
      const started = performance.now();
      const sink = client.query(copyFrom(`COPY copy_${table} FROM STDIN`));
      await pipeline(Readable.from(chunks), sink);
      seconds += (performance.now() - started) / 1000;
      rows += Number(sink.rowCount ?? 0);
      await client.query(`DROP TABLE copy_${table}`);
    }
  } finally {
    await client.end();
  }
  return { rows, seconds };
}
