import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '@tributary/database';
import { progressByTenths } from '@tributary/demo-data';
import { scaledSize, type BenchOptions } from './bench-options.js';
import { CONTENDER_LABELS, NODE_FLAGS, startContender, type ContenderName } from './contenders.js';
import { GRAFBASE_SETTINGS } from './federation/grafbase-gateway.js';
import { BenchDatabases, type DataSize, type SeededDataSet } from './data-sets.js';
import { argumentSequence, measureLatency, measureLoad, referenceAnswers, type CheckedArguments, type LatencyRun, type LoadRun, type MeasureSettings } from './measure.js';
import { capturePlans } from './plans.js';
import { measurePumps, type PumpFigures } from './pumps.js';
import { goalsOf, ratiosOf, scalingSeries, type BenchResults, type CellResult, type Ratios, type ScenarioResult } from './report/bench-results.js';
import { compactCount } from './report/format.util.js';
import { latencyChart } from './report/latency-chart.js';
import { resultsMarkdown } from './report/markdown.js';
import { DASHBOARD_WEIGHTS, LOADED_SCENARIOS, NAIVE_SCENARIOS, SCALING_SCENARIOS, SCENARIOS, type Scenario } from './scenarios.js';
import { medianWithInterval, percentile, round1 } from './stats.js';

export type Log = (line: string) => void;

const describeSize = (size: DataSize) => `${size.customers.toLocaleString('en')} customers, ${size.products.toLocaleString('en')} products, ${size.orders.toLocaleString('en')} orders`;

/** The contenders in the order of a repetition: rotated by one each time, so that none always goes first. */
export const rotation = (contenders: readonly ContenderName[], repetition: number): ContenderName[] => contenders.map((_, i) => contenders[(i + repetition) % contenders.length]!);

/** What one contender gave on one scenario over every repetition, before it is summarised. */
interface CellRuns {
  latency: LatencyRun[];
  load: LoadRun[];
  peakRssMb: number[];
}

const emptyRuns = (): CellRuns => ({ latency: [], load: [], peakRssMb: [] });

/** Mean per process over the runs that measured it. */
function meanCpu(runs: Array<Record<string, number>>): Record<string, number> {
  const sums = new Map<string, number[]>();
  for (const run of runs) for (const [name, ms] of Object.entries(run)) sums.set(name, [...(sums.get(name) ?? []), ms]);
  return Object.fromEntries([...sums].map(([name, values]) => [name, round1(values.reduce((a, b) => a + b, 0) / values.length)]));
}

/** One cell's figures: latency percentiles over every repetition's samples, with the median's interval. */
function summarise(runs: CellRuns, fromLoad: boolean): CellResult {
  const latencies = fromLoad ? runs.load.flatMap((r) => r.latencies) : runs.latency.flatMap((r) => r.latencies);
  const sorted = [...latencies].sort((a, b) => a - b);
  const median = medianWithInterval(sorted);
  // Tail percentiles of fewer than 100 samples are one or two requests: not reported.
  const tails = sorted.length > 100;
  const first = [...runs.latency, ...runs.load].find((r) => r.firstProblem)?.firstProblem;
  return {
    p50Ms: round1(median.p50),
    p50IntervalMs: [round1(median.low), round1(median.high)],
    p95Ms: tails ? round1(percentile(sorted, 95)) : null,
    p99Ms: tails ? round1(percentile(sorted, 99)) : null,
    samples: sorted.length,
    rps: runs.load.length ? round1(runs.load.reduce((sum, r) => sum + r.rps, 0) / runs.load.length) : null,
    rpsByRepetition: runs.load.map((r) => r.rps),
    downstreamCalls: runs.latency.length ? round1(runs.latency.reduce((sum, r) => sum + r.downstreamCalls, 0) / runs.latency.length) : 0,
    cpuMsPerRequest: meanCpu((fromLoad ? runs.load : runs.latency).map((r) => r.cpuMsPerRequest)),
    loadCpuMsPerRequest: runs.load.length ? meanCpu(runs.load.map((r) => r.cpuMsPerRequest)) : null,
    peakRssMb: runs.peakRssMb.length ? Math.max(...runs.peakRssMb) : null,
    errors: [...runs.latency, ...runs.load].reduce((sum, r) => sum + r.errors, 0),
    mismatches: [...runs.latency, ...runs.load].reduce((sum, r) => sum + r.mismatches, 0),
    checkedUnderLoad: runs.load.reduce((sum, r) => sum + r.checked, 0),
    ...(first ? { firstProblem: first } : {}),
  };
}

export interface SizeRun {
  perScenario: ScenarioResult[];
  dashboard?: ScenarioResult;
}

/**
 * Every contender on every scenario at one data size. Direct SQL first answers every
 * checked argument set, alone: those answers are the reference. Then each repetition
 * starts each contender afresh, in a rotated order, with nothing else of the benchmark
 * running, and measures latency, load where the scenario has it, and the dashboard mix.
 * `start` is startContender but in the test of the repetitions (stand-in contenders).
 */
export async function measureSize(
  dataSet: SeededDataSet,
  scenarios: readonly Scenario[],
  settings: MeasureSettings,
  main: boolean,
  options: Pick<BenchOptions, 'until' | 'contenders'>,
  say: Log,
  start: typeof startContender = startContender,
): Promise<SizeRun> {
  const { size } = dataSet;
  const checked = new Map<string, CheckedArguments[]>();
  const warmups = new Map(scenarios.map((s) => [s.name, argumentSequence(s, size, options.until, settings.warmup.requests, 999)]));
  say('  reference answers from direct SQL');
  const reference = await start('directSql', dataSet);
  try {
    for (const scenario of scenarios) {
      const perRepetition: CheckedArguments[] = [];
      // The same argument sets in every repetition: a repetition restarts the processes, so
      // nothing is cached across them, and the reference costs one pass.
      const variables = argumentSequence(scenario, size, options.until, settings.latency.requests, 1);
      const expected = await referenceAnswers(reference, scenario, variables);
      for (let repetition = 0; repetition < settings.repetitions; repetition++) perRepetition.push({ variables, expected });
      checked.set(scenario.name, perRepetition);
    }
  } finally {
    await reference.stop();
  }

  const cells = new Map<string, Partial<Record<ContenderName, CellRuns>>>();
  const runsOf = (scenario: string, contender: ContenderName) => {
    if (!cells.has(scenario)) cells.set(scenario, Object.fromEntries(options.contenders.map((c) => [c, emptyRuns()])));
    return cells.get(scenario)![contender]!;
  };
  const mix = scenarios
    .filter((s) => DASHBOARD_WEIGHTS[s.name])
    .map((scenario) => ({ scenario, weight: DASHBOARD_WEIGHTS[scenario.name]!, checked: mergeChecked(checked.get(scenario.name)!) }));

  for (let repetition = 0; repetition < settings.repetitions; repetition++) {
    for (const name of rotation(options.contenders, repetition)) {
      say(`  repetition ${repetition + 1} of ${settings.repetitions}: starting ${CONTENDER_LABELS[name]}`);
      const contender = await start(name, dataSet, { onProgress: say });
      try {
        for (const scenario of scenarios) {
          if (name === 'naive' && !NAIVE_SCENARIOS.includes(scenario.name)) continue;
          // The store answers reports; its orders pages are the live path's, measured as Tributary.
          if (name === 'store' && scenario.kind !== 'report') continue;
          const runs = runsOf(scenario.name, name);
          contender.front.resetPeakRss();
          const latency = await measureLatency(contender, scenario, warmups.get(scenario.name)!, checked.get(scenario.name)![repetition]!, settings);
          runs.latency.push(latency);
          // One call per key under 16 connections would be thousands of calls in flight: the
          // naive gateway is the baseline of the collapse, measured for latency only.
          if (main && settings.throughput && LOADED_SCENARIOS.includes(scenario.name) && name !== 'naive') {
            const load = await measureLoad(contender, [{ scenario, weight: 1, checked: mergeChecked(checked.get(scenario.name)!) }], size, options.until, settings.throughput, settings);
            runs.load.push(load);
          }
          runs.peakRssMb.push(contender.front.peakRssMb() ?? 0);
          const p50 = round1(percentile([...latency.latencies].sort((a, b) => a - b), 50));
          const rps = runs.load.at(-1) && runs.load.length > repetition ? `, ${runs.load.at(-1)!.rps} req/s` : '';
          const problems = latency.errors + latency.mismatches ? `, ${latency.errors} errors, ${latency.mismatches} wrong answers` : '';
          say(`    ${scenario.name.padEnd(22)} ${CONTENDER_LABELS[name].padEnd(44)} p50 ${String(p50).padStart(8)} ms over ${latency.latencies.length}${rps}${problems}`);
        }
        if (main && settings.dashboard && name !== 'naive') {
          const runs = runsOf('dashboard', name);
          contender.front.resetPeakRss();
          const load = await measureLoad(contender, mix, size, options.until, settings.dashboard, settings);
          runs.load.push(load);
          runs.peakRssMb.push(contender.front.peakRssMb() ?? 0);
          say(`    dashboard mix          ${CONTENDER_LABELS[name].padEnd(44)} ${load.rps} req/s, ${load.errors} errors, ${load.mismatches} wrong of ${load.checked} checked`);
        }
      } finally {
        await contender.stop();
      }
    }
  }
  const result = (name: string, title: string, fromLoad: boolean): ScenarioResult => ({
    name,
    title,
    contenders: Object.fromEntries(options.contenders.map((c) => [c, summarise(cells.get(name)?.[c] ?? emptyRuns(), fromLoad)])),
  });
  return {
    perScenario: scenarios.map((s) => result(s.name, s.title, false)),
    ...(main && settings.dashboard ? { dashboard: result('dashboard', `(c) dashboard mix, ${settings.dashboard.connections} connections`, true) } : {}),
  };
}

/** The checked argument sets of a scenario (the same in every repetition). */
function mergeChecked(perRepetition: CheckedArguments[]): CheckedArguments {
  return perRepetition[0]!;
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
  say(`Tributary benchmark (${options.mode}${options.mode === 'quick' ? ': a smoke test, no verdicts' : ''}): ${describeSize(options.size)}; scaling at ${sizes.map((s) => s.orders.toLocaleString('en')).join(', ')} orders`);
  say(`Databases: ${databases.describe()}${options.databaseUrl ? '' : ' (pass --database-url to run on PostgreSQL)'}`);
  const p50BySize: Array<Record<string, Partial<Record<ContenderName, number>>>> = [];
  let main: SizeRun = { perScenario: [] };
  let settingsRecorded: Record<string, string> = {};
  let plans: BenchResults['plans'] = [];
  let pumps: PumpFigures | null = null;
  try {
    const progress = progressByTenths((line) => say(`  ${line}`));
    const seed = (size: DataSize) => databases.seed(size, options.seed, options.until, (what, done, total) => progress(`${what} of the ${compactCount(size.orders)}-order set`, done, total));
    say(`Seeding the smaller data sets: ${sizes.slice(0, -1).map(describeSize).join('; ')}`);
    const smaller = await Promise.all(sizes.slice(0, -1).map(seed));
    for (const [index, size] of sizes.entries()) {
      const isMain = index === sizes.length - 1;
      say(`Data set ${index + 1} of ${sizes.length}: ${describeSize(size)}`);
      const dataSet = smaller[index] ?? (await seed(size));
      settingsRecorded = await databases.prepare(dataSet);
      const scenarios = isMain ? SCENARIOS : SCENARIOS.filter((s) => SCALING_SCENARIOS.includes(s.name));
      const run = await measureSize(dataSet, scenarios, isMain ? options.settings : options.scalingSettings, isMain, options, say);
      p50BySize.push(Object.fromEntries(run.perScenario.map((s) => [s.name, Object.fromEntries(options.contenders.map((c) => [c, s.contenders[c]!.p50Ms]))])));
      if (isMain) {
        main = run;
        if (options.plans) {
          say('  capturing every statement each contender runs, and its plan (EXPLAIN ANALYZE, BUFFERS)');
          plans = await capturePlans(dataSet, scenarios, options, join(options.outDir, 'plans'), say);
        }
        // Last: it changes 10,000 orders of the data set.
        pumps = await measurePumps(databases, dataSet, say);
      }
    }
  } finally {
    await databases.dropAll();
  }

  const scenarios = [...main.perScenario, ...(main.dashboard ? [main.dashboard] : [])];
  const ratios: Record<string, Ratios> = Object.fromEntries(scenarios.map((scenario) => [scenario.name, ratiosOf(scenario)]));
  const scaled = SCENARIOS.filter((s) => SCALING_SCENARIOS.includes(s.name));
  const scaling = {
    sizes,
    scenarios: scaled.map((scenario) =>
      scalingSeries(scenario.name, scenario.title, sizes, Object.fromEntries(options.contenders.map((c) => [c, p50BySize.map((bySize) => bySize[scenario.name]?.[c] ?? NaN)]))),
    ),
  };
  const date = new Date().toISOString().slice(0, 10);
  const results: BenchResults = {
    meta: {
      date,
      mode: options.mode,
      verdicts: options.mode !== 'quick' && options.mode !== 'tiny',
      database: databases.describe().replace(/ under .*| \(databases .*\)$/, ''),
      databaseSettings: settingsRecorded,
      command,
      machine: `${cpus().length} cores (${cpus()[0]?.model.trim() ?? 'unknown CPU'}), Node.js ${process.version}, every process with ${NODE_FLAGS.join(' ')}`,
      dataSize: options.size,
      settings: options.settings,
      contenders: [...options.contenders],
      grafbaseSettings: options.contenders.includes('grafbase') ? { ...GRAFBASE_SETTINGS } : null,
      seconds: { total: Math.round((performance.now() - started) / 1000) },
    },
    scenarios,
    ratios,
    scaling,
    goals: goalsOf(scenarios, ratios, pumps, options.databaseUrl ? 'postgres' : 'pglite'),
    pumps,
    plans,
  };
  mkdirSync(options.outDir, { recursive: true });
  const chartFile = 'latency-vs-size.svg';
  writeFileSync(join(options.outDir, chartFile), latencyChart(sizes, scaling.scenarios, `${options.mode} run of ${date}, ${results.meta.database}, ${results.meta.machine}. ${command}`));
  const markdown = resultsMarkdown(results, chartFile);
  writeFileSync(join(options.outDir, `${date}.md`), markdown);
  writeFileSync(join(options.outDir, 'latest.json'), `${JSON.stringify(results, null, 2)}\n`);
  log('');
  log(markdown);
  say(`Written: ${join(options.outDir, `${date}.md`)}, latest.json and ${chartFile}`);
  return results;
}
