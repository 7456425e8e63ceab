import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchOptionsFromArgs, TINY_CONTENDERS } from '../../bench/bench-options.js';
import { CONTENDER_LABELS, type Contender, type ContenderName } from '../../bench/contenders.js';
import type { SeededDataSet } from '../../bench/data-sets.js';
import type { MeasureSettings } from '../../bench/measure.js';
import { measureSize, rotation, type SizeRun } from '../../bench/run-bench.js';
import { SCENARIOS } from '../../bench/scenarios.js';

/**
 * The benchmark's repetitions, with stand-in contenders: one HTTP server that gives every
 * question the same empty answer, for direct SQL's reference as for the others. The
 * harness test (test/bench.e2e.ts) runs the real contenders for one repetition; this is
 * what a second adds: every contender started afresh for each repetition and stopped
 * before the next starts, in an order rotated by one, and each cell holding the figures
 * of both repetitions.
 */
const EMPTY = { orders: { edges: [], pageInfo: { hasNextPage: false, endCursor: null } }, reports: { topCustomers: [], salesByMonth: [], salesByCategory: [] } };
const SETTINGS: MeasureSettings = { warmup: { seconds: 1, requests: 1 }, latency: { seconds: 1, requests: 2 }, throughput: null, dashboard: null, repetitions: 2, checkedShare: 0.5 };

let server: Server;
const events: string[] = [];
const said: string[] = [];
let run: SizeRun;

beforeAll(async () => {
  server = createServer((req, res) => {
    req.resume();
    req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: EMPTY })));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const start = async (name: ContenderName): Promise<Contender> => {
    events.push(`start ${name}`);
    const front = { name, url, pid: process.pid, resetPeakRss: () => undefined, peakRssMb: () => 1, stop: async () => undefined };
    return {
      name,
      url,
      path: '/',
      front,
      processes: [],
      requestBody: (scenario, variables) => JSON.stringify({ scenario: scenario.name, variables }),
      answerOf: (_scenario, status, body) => (status === 200 ? (body as { data: unknown }).data : new Error(`HTTP ${status}`)),
      downstreamCallsSoFar: async () => 0,
      settle: async () => undefined,
      stop: async () => void events.push(`stop ${name}`),
    };
  };
  const dataSet = { size: { customers: 300, products: 50, orders: 3000 } } as SeededDataSet;
  // Sequential latency only: load runs report on whole-second ticks, and repeat per repetition what latency does.
  run = await measureSize(dataSet, SCENARIOS, SETTINGS, false, benchOptionsFromArgs(['--tiny']), (line) => said.push(line), start);
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the benchmark over two repetitions', () => {
  it('starts every contender afresh for each repetition, stops it before the next starts, and rotates the order by one', () => {
    expect(rotation(TINY_CONTENDERS, 1)).toEqual(['naive', 'directSql', 'federation', 'store', 'tributary']);
    const startAndStop = (name: ContenderName) => [`start ${name}`, `stop ${name}`];
    expect(events).toEqual([...startAndStop('directSql'), ...rotation(TINY_CONTENDERS, 0).flatMap(startAndStop), ...rotation(TINY_CONTENDERS, 1).flatMap(startAndStop)]);
    expect(said.filter((line) => line.includes('starting'))).toEqual([...rotation(TINY_CONTENDERS, 0).map((name) => `  repetition 1 of 2: starting ${CONTENDER_LABELS[name]}`), ...rotation(TINY_CONTENDERS, 1).map((name) => `  repetition 2 of 2: starting ${CONTENDER_LABELS[name]}`)]);
  });

  it('keeps the figures of both repetitions in each cell, and the contenders\' scenarios as the real run has them', () => {
    const samples = (scenario: string) => Object.fromEntries(Object.entries(run.perScenario.find((s) => s.name === scenario)!.contenders).map(([name, cell]) => [name, cell.samples]));
    const both = 2 * SETTINGS.latency.requests;
    expect(samples('calibration')).toEqual({ tributary: both, naive: 0, directSql: both, federation: both, store: 0 });
    expect(samples('orders-1000')).toEqual({ tributary: both, naive: both, directSql: both, federation: both, store: 0 });
    expect(samples('topCustomers-year')).toEqual({ tributary: both, naive: both, directSql: both, federation: both, store: both });
    expect(run.perScenario.flatMap((s) => Object.values(s.contenders)).every((cell) => cell.errors === 0 && cell.mismatches === 0)).toBe(true);
  });
});
