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
const CONTENDERS = ['tributary', 'naive', 'directSql', 'federation'];

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

  beforeAll(async () => {
    // npm run bench = build + this; the Prisma clients are generated already (npm test
    // does it first), and generating them again would rewrite files other tests import.
    await run('npm', ['run', 'build:js'], { cwd: projectPath() });
    const args = ['dist/bench/main.js', '--tiny', '--out', out, ...(databaseUrl ? ['--database-url', databaseUrl] : [])];
    ({ stdout } = await run(process.execPath, args, { cwd: projectPath(), maxBuffer: 64 * 1024 * 1024 }));
    results = JSON.parse(readFileSync(join(out, 'latest.json'), 'utf8'));
  }, 600_000);

  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('says which database it runs on', () => {
    expect(stdout).toContain(databaseUrl ? 'Databases: PostgreSQL at' : 'Databases: PGlite');
    expect(results.meta.database).toMatch(databaseUrl ? /^PostgreSQL/ : /^PGlite/);
  });

  it('measures every scenario for all four contenders, with every answer equal to direct SQL', () => {
    expect(results.scenarios.map((s) => s.name)).toEqual([
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
      for (const cell of Object.values(scenario.contenders)) {
        expect(cell).toMatchObject({ errors: 0, mismatches: 0 });
        expect(cell.samples).toBeGreaterThan(0);
        expect(cell.p50Ms).toBeGreaterThan(0);
        expect(cell.p99Ms).toBeGreaterThanOrEqual(cell.p50Ms);
      }
    }
  });

  it('shows the collapse: one call per service for a page of orders, one per key without batching', () => {
    const orders = results.scenarios.find((s) => s.name === 'orders-1000')!.contenders;
    expect(orders.tributary.downstreamCalls).toBe(3);
    expect(orders.federation.downstreamCalls).toBe(3);
    expect(orders.directSql.downstreamCalls).toBe(0);
    // A page of the tiny set names a few hundred customers and every product.
    expect(orders.naive.downstreamCalls).toBeGreaterThan(100);
    expect(results.ratios['orders-1000']!.naiveOverTributaryCalls).toBeGreaterThan(30);
  });

  it('writes the markdown table, the JSON with ratios and scaling, and the chart', () => {
    const markdown = readFileSync(join(out, `${results.meta.date}.md`), 'utf8');
    expect(markdown).toContain('| (a) orders(first: 1000) with customers and products | Tributary |');
    expect(markdown).toContain('## Ratios');
    expect(stdout).toContain(markdown.split('\n')[0]);
    expect(Object.keys(results.ratios)).toHaveLength(results.scenarios.length);
    expect(results.scaling.sizes).toHaveLength(2);
    for (const series of results.scaling.scenarios) {
      for (const contender of CONTENDERS) expect(series.p50Ms[contender as keyof typeof series.p50Ms]).toHaveLength(2);
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
});
