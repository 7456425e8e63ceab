import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '@tributary/database';
import { progressByTenths } from '@tributary/demo-data';
import { scaledSize, type BenchOptions } from './bench-options.js';
import { CONTENDER_LABELS, CONTENDERS, startContenders, type ContenderName, type RunningContenders } from './contenders.js';
import { BenchDatabases, type DataSize } from './data-sets.js';
import { argumentSequence, measureLatency, measureLoad, type MeasureSettings } from './measure.js';
import { goalsOf, ratiosOf, scalingSeries, type BenchResults, type CellResult, type Ratios, type ScenarioResult } from './report/bench-results.js';
import { latencyChart } from './report/latency-chart.js';
import { resultsMarkdown } from './report/markdown.js';
import { DASHBOARD_WEIGHTS, SCENARIOS, type Scenario } from './scenarios.js';
import { compactCount } from './report/format.util.js';

export type Log = (line: string) => void;

/** Charted and reported for scaling: (a) and the yearly reports. */
const CHARTED = ['orders-1000', 'topCustomers-year', 'salesByCategory-year'];

const describeSize = (size: DataSize) => `${size.customers.toLocaleString('en')} customers, ${size.products.toLocaleString('en')} products, ${size.orders.toLocaleString('en')} orders`;

/**
 * Latency of every contender on every scenario at one data size; at the main size also
 * throughput per scenario and the dashboard mix. Direct SQL goes first: its answers are
 * what every other contender's answers are checked against.
 */
async function measureSize(running: RunningContenders, size: DataSize, options: BenchOptions, settings: MeasureSettings, log: Log): Promise<ScenarioResult[]> {
  const order: ContenderName[] = ['directSql', 'tributary', 'naive', 'federation'];
  const results: ScenarioResult[] = [];
  for (const scenario of SCENARIOS) {
    const argumentSets = argumentSequence(scenario, size, options.until, settings.samples + settings.warmups);
    const cells = {} as Record<ContenderName, CellResult>;
    let expected: unknown[] | undefined;
    for (const name of order) {
      const contender = running.contenders[name];
      contender.front.resetPeakRss();
      const { figures, answers } = await measureLatency(contender, scenario, argumentSets, settings, expected);
      if (name === 'directSql') expected = answers;
      let rps: number | null = null;
      // A fixed number of requests, all answered, so that none is left running into the
      // next measurement: about throughputSeconds' worth at two cores' pace, at least one
      // per connection. A contender over half a second per request (and over the run's
      // length) is left out: in quick mode a round of it would outlast all the others.
      if (settings.throughputSeconds > 0 && figures.p50Ms < Math.max(500, settings.throughputSeconds * 1000)) {
        const requests = Math.min(5000, Math.max(settings.throughputConnections, Math.round(((settings.throughputSeconds * 1000) / figures.p50Ms) * 2)));
        rps = (await measureLoad(contender, [{ scenario, weight: 1 }], size, options.until, settings.throughputConnections, { requests })).rps;
      }
      cells[name] = { ...figures, rps, peakRssMb: contender.front.peakRssMb() };
      const problems = figures.errors + figures.mismatches ? `, ${figures.errors} errors, ${figures.mismatches} wrong answers` : '';
      log(`  ${scenario.name.padEnd(22)} ${CONTENDER_LABELS[name].padEnd(34)} p50 ${String(figures.p50Ms).padStart(8)} ms${rps === null ? '' : `, ${rps} req/s`}, ${figures.downstreamCalls} calls${problems}`);
    }
    results.push({ name: scenario.name, title: scenario.title, contenders: cells });
  }
  return results;
}

async function measureDashboard(running: RunningContenders, size: DataSize, perScenario: ScenarioResult[], options: BenchOptions, log: Log): Promise<ScenarioResult> {
  const mix = SCENARIOS.map((scenario: Scenario) => ({ scenario, weight: DASHBOARD_WEIGHTS[scenario.name] ?? 0 })).filter((entry) => entry.weight > 0);
  const totalWeight = mix.reduce((sum, entry) => sum + entry.weight, 0);
  const cells = {} as Record<ContenderName, CellResult>;
  for (const name of CONTENDERS) {
    const contender = running.contenders[name];
    contender.front.resetPeakRss();
    const load = await measureLoad(contender, mix, size, options.until, options.settings.dashboardConnections, { seconds: options.settings.dashboardSeconds });
    if (name !== CONTENDERS.at(-1)) await running.settle();
    // Calls per request of the mix: the scenarios' own, weighted as the mix draws them.
    const calls = mix.reduce((sum, { scenario, weight }) => sum + perScenario.find((s) => s.name === scenario.name)!.contenders[name].downstreamCalls * weight, 0) / totalWeight;
    cells[name] = { p50Ms: load.p50Ms, p95Ms: load.p95Ms, p99Ms: load.p99Ms, rps: load.rps, downstreamCalls: Math.round(calls * 10) / 10, peakRssMb: contender.front.peakRssMb(), samples: load.requests, errors: load.errors, mismatches: 0 };
    log(`  dashboard mix          ${CONTENDER_LABELS[name].padEnd(34)} ${load.rps} req/s, p50 ${load.p50Ms} ms, p99 ${load.p99Ms} ms, ${load.errors} errors`);
  }
  return { name: 'dashboard', title: `(c) dashboard mix, ${options.settings.dashboardConnections} connections`, contenders: cells };
}

/** Runs the whole benchmark and writes its results; returns them. */
export async function runBench(options: BenchOptions, command: string, log: Log): Promise<BenchResults> {
  const started = performance.now();
  const elapsed = () => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
  const say: Log = (line) => log(`[${elapsed()}] ${line}`);
  const databases = new BenchDatabases(
    options.databaseUrl ? { kind: 'postgres', url: options.databaseUrl } : { kind: 'pglite', folder: projectPath('.bench', `data-${randomBytes(3).toString('hex')}`) },
    `tributary_bench_${randomBytes(3).toString('hex')}`,
  );
  const sizes = options.scaling.map((fraction) => scaledSize(options.size, fraction));
  say(`Tributary benchmark (${options.mode}): ${describeSize(options.size)}; scaling at ${sizes.map((s) => s.orders.toLocaleString('en')).join(', ')} orders`);
  say(`Databases: ${databases.describe()}${options.databaseUrl ? '' : ' (pass --database-url to run on PostgreSQL)'}`);
  const p50BySize: Array<Record<string, Record<ContenderName, number>>> = [];
  let main: ScenarioResult[] = [];
  try {
    const progress = progressByTenths((line) => say(`  ${line}`));
    const seed = (size: DataSize) => databases.seed(size, options.seed, options.until, (what, done, total) => progress(`${what} of the ${compactCount(size.orders)}-order set`, done, total));
    // The smaller sets are seeded together up front: their time is mostly the seeders'
    // start-up, which overlaps well. The largest keeps both cores to itself (seeding it
    // alongside the others was slower); nothing is measured while any set is seeded.
    say(`Seeding the smaller data sets: ${sizes.slice(0, -1).map(describeSize).join('; ')}`);
    const smaller = await Promise.all(sizes.slice(0, -1).map(seed));
    for (const [index, size] of sizes.entries()) {
      const isMain = index === sizes.length - 1;
      say(`Data set ${index + 1} of ${sizes.length}: ${describeSize(size)}`);
      const dataSet = smaller[index] ?? (await seed(size));
      say('Starting 3 services, 2 Tributary gateways, 3 subgraphs, the Federation gateway and the direct-SQL server');
      const running = await startContenders(dataSet, () => {});
      try {
        const settings = isMain ? options.settings : options.scalingSettings;
        const perScenario = await measureSize(running, size, options, settings, say);
        p50BySize.push(Object.fromEntries(perScenario.map((s) => [s.name, Object.fromEntries(CONTENDERS.map((c) => [c, s.contenders[c].p50Ms]))])) as Record<string, Record<ContenderName, number>>);
        if (isMain) main = [...perScenario, await measureDashboard(running, size, perScenario, options, say)];
      } finally {
        await running.stop();
      }
    }
  } finally {
    await databases.dropAll();
  }

  const ratios: Record<string, Ratios> = Object.fromEntries(main.map((scenario) => [scenario.name, ratiosOf(scenario)]));
  const scaling = {
    sizes,
    scenarios: SCENARIOS.map((scenario) =>
      scalingSeries(scenario.name, scenario.title, sizes, Object.fromEntries(CONTENDERS.map((c) => [c, p50BySize.map((bySize) => bySize[scenario.name]![c])])) as Record<ContenderName, number[]>),
    ),
  };
  const date = new Date().toISOString().slice(0, 10);
  const results: BenchResults = {
    meta: {
      date,
      mode: options.mode,
      database: databases.describe().replace(/ under .*| \(databases .*\)$/, ''),
      command,
      machine: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node.js ${process.version}`,
      dataSize: options.size,
      connections: { throughput: options.settings.throughputConnections, dashboard: options.settings.dashboardConnections },
      seconds: { throughput: options.settings.throughputSeconds, dashboard: options.settings.dashboardSeconds, total: Math.round((performance.now() - started) / 1000) },
    },
    scenarios: main,
    ratios,
    scaling,
    goals: goalsOf(main, ratios),
  };
  mkdirSync(options.outDir, { recursive: true });
  const chartFile = 'latency-vs-size.svg';
  const charted = scaling.scenarios.filter((s) => CHARTED.includes(s.name));
  writeFileSync(join(options.outDir, chartFile), latencyChart(sizes, charted, `${options.mode} run of ${date}, ${results.meta.database}, ${results.meta.machine}. ${command}`));
  const markdown = resultsMarkdown(results, chartFile);
  writeFileSync(join(options.outDir, `${date}.md`), markdown);
  writeFileSync(join(options.outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  log('');
  log(markdown);
  say(`Written: ${join(options.outDir, `${date}.md`)}, latest.json and ${chartFile}`);
  return results;
}
