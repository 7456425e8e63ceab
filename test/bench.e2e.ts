import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { projectPath } from '@tributary/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BenchResults } from '../bench/report/bench-results.js';

const run = promisify(execFile);
/** The contenders --tiny measures: the peers that add only another gateway or driver are test/bench-peers.e2e.ts's. */
const CONTENDERS = ['tributary', 'naive', 'directSql', 'federation', 'store'];

/**
 * The benchmark on a tiny data set, as `npm run bench` runs it (compiled, seeding its
 * own data, every contender as its own process), so that the harness cannot rot. It asserts
 * what the run found and wrote, never a time.
 */
describe('npm run bench, on a tiny data set', () => {
  const out = mkdtempSync(join(tmpdir(), 'tributary-bench-'));
  const databaseUrl = process.env.TEST_DATABASE_URL;
  let stdout: string;
  let results: BenchResults;

  // npm run bench = build + this, built into a folder of its own: other tests run npm
  // scripts that rebuild dist, and a file rewritten while a contender loads it breaks the run.
  // The Prisma clients are generated already (npm test does it first).
  const build = projectPath('.test-build', `bench-${process.pid}`);

  beforeAll(async () => {
    await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', 'bench', '-d', build, '--quiet'], { cwd: projectPath() });
    const args = [join(build, 'bench/main.js'), '--tiny', '--out', out, ...(databaseUrl ? ['--database-url', databaseUrl] : [])];
    ({ stdout } = await run(process.execPath, args, { cwd: projectPath(), maxBuffer: 64 * 1024 * 1024, env: { ...process.env, BENCH_BUILD_DIR: build } }));
    results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
  }, 600_000);

  afterAll(() => {
    rmSync(out, { recursive: true, force: true });
    rmSync(build, { recursive: true, force: true });
  });

  it('says which database it runs on', () => {
    expect(stdout).toContain(databaseUrl ? 'Databases: PostgreSQL at' : 'Databases: PGlite');
    expect(results.meta.database).toMatch(databaseUrl ? /^PostgreSQL/ : /^PGlite/);
  });

  it('measures every scenario for the tiny run\'s contenders, with every answer equal to direct SQL, the median with its interval', () => {
    expect(results.meta.contenders).toEqual(CONTENDERS);
    expect(results.meta.grafbaseSettings).toBeNull();
    expect(results.scenarios.map((s) => s.name)).toEqual([
      'calibration',
      'orders-1000',
      'topCustomers-month',
      'salesByMonth-month',
      'salesByCategory-month',
      'topCustomers-year',
      'salesByMonth-year',
      'salesByCategory-year',
      'dashboard',
    ]);
    for (const scenario of results.scenarios) {
      expect(Object.keys(scenario.contenders).sort()).toEqual([...CONTENDERS].sort());
      for (const [name, cell] of Object.entries(scenario.contenders)) {
        expect({ scenario: scenario.name, name, errors: cell.errors, mismatches: cell.mismatches }).toEqual({ scenario: scenario.name, name, errors: 0, mismatches: 0 });
        // The naive gateway is measured for latency only, and on the scenarios where one call per key shows.
        if (name === 'naive' && !['orders-1000', 'topCustomers-year', 'salesByCategory-year'].includes(scenario.name)) {
          expect(cell).toMatchObject({ samples: 0, rps: null });
          continue;
        }
        // The reporting store answers the reports (and the dashboard mix); orders pages are the live path's.
        if (name === 'store' && ['calibration', 'orders-1000'].includes(scenario.name)) {
          expect(cell).toMatchObject({ samples: 0, rps: null });
          continue;
        }
        expect(cell.samples).toBeGreaterThan(0);
        expect(cell.p50IntervalMs[0]).toBeLessThanOrEqual(cell.p50Ms);
        expect(cell.p50IntervalMs[1]).toBeGreaterThanOrEqual(cell.p50Ms);
        // Tail percentiles only where there are enough samples for them to mean something.
        if (cell.samples > 100) expect(cell.p99Ms).toBeGreaterThanOrEqual(cell.p50Ms);
        else expect(cell.p99Ms).toBeNull();
      }
    }
  });

  // One repetition here: test/medium/bench-repetitions.medium.ts checks that a second starts every contender again, rotated.
  it('starts every contender as its own processes, one at a time, and puts the loaded scenarios and the dashboard under load with answers checked', () => {
    const starts = [...stdout.matchAll(/repetition 1 of 1: starting (.+)\n/g)].map((match) => match[1]);
    expect(starts).toEqual(['Tributary', 'Tributary, TRIBUTARY_BATCHING=off', 'Direct SQL, one database', 'Apollo Federation gateway', 'Tributary, reporting store']);
    for (const name of ['calibration', 'topCustomers-year', 'dashboard']) {
      const scenario = results.scenarios.find((s) => s.name === name)!;
      for (const contender of ['tributary', 'directSql', 'federation'] as const) {
        const cell = scenario.contenders[contender]!;
        expect({ name, contender, repetitions: cell.rpsByRepetition.length }).toEqual({ name, contender, repetitions: 1 });
        expect(cell.rps).toBeGreaterThan(0);
        expect(cell.checkedUnderLoad).toBeGreaterThan(0);
      }
    }
  });

  it('gives the CPU time per request of every process of every contender', () => {
    const { tributary, federation, directSql } = results.scenarios.find((s) => s.name === 'calibration')!.contenders;
    const calibration = { tributary: tributary!, federation: federation!, directSql: directSql! };
    expect(Object.keys(calibration.tributary.cpuMsPerRequest).sort()).toEqual(['catalog', 'customers', 'gateway', 'orders']);
    expect(Object.keys(calibration.federation.cpuMsPerRequest).sort()).toEqual(['catalog subgraph', 'customers subgraph', 'gateway', 'orders subgraph']);
    expect(Object.keys(calibration.directSql.cpuMsPerRequest)).toEqual(['direct SQL']);
    expect(calibration.tributary.cpuMsPerRequest.gateway).toBeGreaterThan(0);
    expect(Object.keys(calibration.tributary.loadCpuMsPerRequest!).sort()).toEqual(['catalog', 'customers', 'gateway', 'orders']);
  });

  it('records the database settings it gave every contender, and the plan of every statement each ran', () => {
    expect(results.meta.databaseSettings).toMatchObject({ random_page_cost: '1.1', jit: 'off' });
    expect(results.meta.verdicts).toBe(false);
    const ofTributary = results.plans.filter((p) => p.contender === 'tributary' && p.scenario === 'orders-1000');
    // The orders service reads its list horizon, then the page with each order's lines as JSON.
    expect(ofTributary.map((p) => p.process).sort()).toEqual(['catalog', 'customers', 'orders', 'orders']);
    expect(ofTributary.find((p) => p.statement.includes('FROM order_lines l WHERE l.order_id = o.id'))).toBeDefined();
    expect(ofTributary.find((p) => p.statement.includes('FROM pg_stat_activity'))).toBeDefined();
    expect(new Set(results.plans.map((p) => p.contender))).toEqual(new Set(['tributary', 'directSql', 'federation']));
    for (const plan of results.plans) {
      expect(plan.executionMs).toBeGreaterThan(0);
      expect(readFileSync(join(out, plan.file), 'utf8')).toContain('Execution Time:');
    }
  });

  it('shows the collapse: one call per service for a page of orders, one per key without batching', () => {
    const { tributary, federation, directSql, naive } = results.scenarios.find((s) => s.name === 'orders-1000')!.contenders;
    const orders = { tributary: tributary!, federation: federation!, directSql: directSql!, naive: naive! };
    expect(orders.tributary.downstreamCalls).toBe(3);
    expect(orders.federation.downstreamCalls).toBe(3);
    expect(orders.directSql.downstreamCalls).toBe(0);
    // A page of the tiny set names a few hundred customers and every product.
    expect(orders.naive.downstreamCalls).toBeGreaterThan(100);
    expect(results.ratios['orders-1000']!.naiveOverTributaryCalls).toBeGreaterThan(30);
  });

  it('writes the markdown tables, the JSON with ratios and scaling, and the chart', () => {
    const markdown = readFileSync(join(out, `${results.meta.date}.md`), 'utf8');
    expect(markdown).toContain('| (a) orders(first: 1000) with customers and products | Tributary |');
    expect(markdown).toContain('**A smoke test');
    expect(markdown).toContain('## Load');
    expect(markdown).toContain('## Statements and their plans');
    expect(stdout).toContain(markdown.split('\n')[0]);
    expect(Object.keys(results.ratios)).toHaveLength(results.scenarios.length);
    expect(results.scaling.sizes).toHaveLength(1);
    for (const series of results.scaling.scenarios) {
      for (const contender of CONTENDERS) expect(series.p50Ms[contender as keyof typeof series.p50Ms]).toHaveLength(1);
    }
    const chart = readFileSync(join(out, 'latency-vs-size.svg'), 'utf8');
    expect(chart).toMatch(/^<svg/);
    expect(chart.match(/<polyline/g)).toHaveLength(3 * CONTENDERS.length);
  });

  it.skipIf(databaseUrl)('removes its PGlite folder', () => {
    const folder = /under (\S+\/\.bench\/data-[0-9a-f]+)/.exec(stdout)?.[1];
    expect(folder).toBeDefined();
    expect(existsSync(folder!)).toBe(false);
  });

  it.runIf(databaseUrl)('drops the PostgreSQL databases it created', async () => {
    const prefix = /databases (tributary_bench_[0-9a-f]+)_\*/.exec(stdout)?.[1];
    expect(prefix).toBeDefined();
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const { rows } = await client.query('SELECT datname FROM pg_database WHERE starts_with(datname, $1)', [prefix]);
      expect(rows).toEqual([]);
    } finally {
      await client.end();
    }
  });

  it('runs the pump scenario: the initial load and the catch-up in the store, beside raw COPY of the same rows', () => {
    const pumps = results.pumps!;
    // The tiny set's 300 customers, 50 products and 3,000 orders, and their lines.
    const lines = pumps.rows - 300 - 50 - 3000;
    expect(lines).toBeGreaterThan(3000);
    expect(pumps.initialLoad.rowsPerSecond).toBeGreaterThan(0);
    expect(pumps.rawCopy.rowsPerSecond).toBeGreaterThan(0);
    expect(pumps.pumpOverCopy).toBeCloseTo(pumps.initialLoad.rowsPerSecond / pumps.rawCopy.rowsPerSecond, 1);
    expect(pumps.catchUp.updates).toBe(300);
    expect(stdout).toMatch(/pumps: initial load [\d,]+ rows in [\d.]+ s/);
  });
});
