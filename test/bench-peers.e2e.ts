import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { randomBytes } from 'node:crypto';
import { projectPath } from '@tributary/database';
import { DEFAULT_DEMO_DATA } from '@tributary/demo-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { benchOptionsFromArgs } from '../bench/bench-options.js';
import { CONTENDER_LABELS, startContender, type ContenderName } from '../bench/contenders.js';
import { BenchDatabases, type SeededDataSet } from '../bench/data-sets.js';
import { grafbaseUnavailable } from '../bench/federation/grafbase-gateway.js';
import { argumentSequence, measureLatency, referenceAnswers, type CheckedArguments, type MeasureSettings } from '../bench/measure.js';
import { SCENARIOS } from '../bench/scenarios.js';

const run = promisify(execFile);

/**
 * The benchmark's two peers on equal terms, which the tiny harness run (test/bench.e2e.ts)
 * leaves out to stay short: Apollo's gateway over subgraphs reading with plain pg, and
 * Grafbase's Rust gateway over the Prisma subgraphs. Each is started once, as the
 * benchmark starts it (real processes, real HTTP, a real database), and asked every
 * scenario through the harness's own measureLatency, every answer checked against
 * direct SQL's for the same arguments.
 */
const SIZE = benchOptionsFromArgs(['--tiny']).size;
const SETTINGS: MeasureSettings = { warmup: { seconds: 5, requests: 1 }, latency: { seconds: 30, requests: 2 }, throughput: null, dashboard: null, repetitions: 1, checkedShare: 1 };
const grafbaseMissing = grafbaseUnavailable();

describe('the benchmark peers on equal terms, on a tiny data set', () => {
  const databaseUrl = process.env.TEST_DATABASE_URL;
  const build = projectPath('.test-build', `bench-peers-${process.pid}`);
  const folder = mkdtempSync(join(tmpdir(), 'tributary-bench-peers-'));
  const databases = new BenchDatabases(databaseUrl ? { kind: 'postgres', url: databaseUrl } : { kind: 'pglite', folder }, `tributary_peers_${randomBytes(3).toString('hex')}`);
  const buildBefore = process.env.BENCH_BUILD_DIR;
  let dataSet: SeededDataSet;
  const checked = new Map<string, CheckedArguments>();

  beforeAll(async () => {
    // A build of its own, as the harness test has: other tests' npm scripts rebuild dist.
    await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', 'bench', '-d', build, '--quiet'], { cwd: projectPath() });
    process.env.BENCH_BUILD_DIR = build;
    dataSet = await databases.seed(SIZE, DEFAULT_DEMO_DATA.seed, DEFAULT_DEMO_DATA.until, () => undefined);
    await databases.prepare(dataSet);
    const reference = await startContender('directSql', dataSet);
    try {
      for (const scenario of SCENARIOS) {
        const variables = argumentSequence(scenario, SIZE, DEFAULT_DEMO_DATA.until, SETTINGS.latency.requests, 1);
        checked.set(scenario.name, { variables, expected: await referenceAnswers(reference, scenario, variables) });
      }
    } finally {
      await reference.stop();
    }
  }, 300_000);

  afterAll(async () => {
    await databases.dropAll();
    rmSync(folder, { recursive: true, force: true });
    rmSync(build, { recursive: true, force: true });
    if (buildBefore === undefined) delete process.env.BENCH_BUILD_DIR;
    else process.env.BENCH_BUILD_DIR = buildBefore;
  });

  /** Every scenario's answers through the harness, and what it read of the contender's processes. */
  async function answersOf(name: ContenderName, statementLogDir?: string) {
    const contender = await startContender(name, dataSet, { statementLogDir });
    try {
      const cells = [];
      for (const scenario of SCENARIOS) {
        const latency = await measureLatency(contender, scenario, checked.get(scenario.name)!.variables, checked.get(scenario.name)!, SETTINGS);
        cells.push({ scenario: scenario.name, samples: latency.latencies.length, errors: latency.errors, mismatches: latency.mismatches, problem: latency.firstProblem ?? null, cpu: latency.cpuMsPerRequest });
      }
      return { cells, peakRssMb: contender.front.peakRssMb(), processes: contender.processes.map((p) => p.name).sort() };
    } finally {
      await contender.stop();
    }
  }

  const SUBGRAPHS_AND_GATEWAY = ['catalog subgraph', 'customers subgraph', 'gateway', 'orders subgraph'];

  it(`${CONTENDER_LABELS.federationPg}: answers every scenario as direct SQL does, and logs every statement its subgraphs send`, async () => {
    const logs = mkdtempSync(join(tmpdir(), 'tributary-peer-statements-'));
    try {
      const { cells, processes } = await answersOf('federationPg', logs);
      expect(processes).toEqual(SUBGRAPHS_AND_GATEWAY);
      for (const cell of cells) expect({ ...cell, cpu: undefined }).toEqual({ scenario: cell.scenario, samples: SETTINGS.latency.requests, errors: 0, mismatches: 0, problem: null, cpu: undefined });
      expect(Object.keys(cells[0]!.cpu).sort()).toEqual(SUBGRAPHS_AND_GATEWAY);
      const statements = (process: string) =>
        readFileSync(join(logs, `federationPg-${process}-subgraph.ndjson`), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => (JSON.parse(line) as { sql: string }).sql);
      expect(readdirSync(logs).sort()).toEqual(['federationPg-catalog-subgraph.ndjson', 'federationPg-customers-subgraph.ndjson', 'federationPg-orders-subgraph.ndjson']);
      // Plain statements, not Prisma's: entities by id = ANY($1), a page and then its lines.
      expect(statements('customers')).toContain('SELECT id, name, email, country, created_at AS "createdAt", updated_at AS "updatedAt" FROM customers WHERE id = ANY($1)');
      expect(statements('catalog').some((sql) => sql.endsWith('FROM products WHERE id = ANY($1)'))).toBe(true);
      expect(statements('orders').some((sql) => sql.includes('FROM order_lines WHERE order_id = ANY($1)'))).toBe(true);
      expect(statements('orders').some((sql) => /FROM orders WHERE updated_at <= \$1/.test(sql))).toBe(true);
      expect(statements('orders').some((sql) => sql.includes('row_number() OVER (PARTITION BY o.currency'))).toBe(true);
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  }, 180_000);

  it.skipIf(grafbaseMissing)(
    grafbaseMissing ? `${CONTENDER_LABELS.grafbase}: skipped, the binary cannot run here (${grafbaseMissing})` : `${CONTENDER_LABELS.grafbase}: answers every scenario as direct SQL does, its memory and CPU read from /proc`,
    async () => {
      const { cells, peakRssMb, processes } = await answersOf('grafbase');
      expect(processes).toEqual(SUBGRAPHS_AND_GATEWAY);
      for (const cell of cells) expect({ ...cell, cpu: undefined }).toEqual({ scenario: cell.scenario, samples: SETTINGS.latency.requests, errors: 0, mismatches: 0, problem: null, cpu: undefined });
      // The native gateway is measured as the Node.js ones are: its VmHWM, and its CPU time per request from /proc.
      expect(peakRssMb).toBeGreaterThan(0);
      expect(Object.keys(cells[0]!.cpu).sort()).toEqual(SUBGRAPHS_AND_GATEWAY);
    },
    180_000,
  );
});
