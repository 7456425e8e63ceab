import type { ContenderName } from '../contenders.js';
import type { PumpFigures } from '../pumps.js';
import type { DataSize } from '../data-sets.js';
import type { MeasureSettings } from '../measure.js';

/** One contender's figures on one scenario at the main data size, over every repetition. */
export interface CellResult {
  p50Ms: number;
  /** Bootstrap 95% confidence interval of the p50. */
  p50IntervalMs: [number, number];
  /** Only above 100 samples; null below. */
  p95Ms: number | null;
  p99Ms: number | null;
  samples: number;
  /** Completed requests per second at the load's concurrency, mean over repetitions; null where no load run was made. */
  rps: number | null;
  rpsByRepetition: number[];
  downstreamCalls: number;
  /** CPU time of each of the contender's processes per request (from /proc), sequentially; under load in loadCpuMsPerRequest. */
  cpuMsPerRequest: Record<string, number>;
  loadCpuMsPerRequest: Record<string, number> | null;
  peakRssMb: number | null;
  errors: number;
  mismatches: number;
  /** Answers checked against direct SQL's under load. */
  checkedUnderLoad: number;
  firstProblem?: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  /** The contenders the run measured (meta.contenders). */
  contenders: Partial<Record<ContenderName, CellResult>>;
}

/** One statement a contender ran for a scenario, with its plan and execution time. */
export interface StatementPlan {
  contender: ContenderName;
  process: string;
  scenario: string;
  /** Where the plan is saved, relative to the results folder. */
  file: string;
  executionMs: number | null;
  statement: string;
}

export interface ScalingSeries {
  name: string;
  title: string;
  /** p50 per contender, one value per data size. */
  p50Ms: Partial<Record<ContenderName, number[]>>;
  /** The exponent b of p50 ∝ orders^b (0: flat, 1: linear), by least squares on logs. */
  slope: Partial<Record<ContenderName, number>>;
}

export interface Ratios {
  naiveOverTributaryCalls: number | null;
  naiveOverTributaryP50: number | null;
  tributaryOverDirectSqlP50: number | null;
  tributaryOverFederationP50: number | null;
  tributaryOverFederationRps: number | null;
  /** Reports only: the store contender's p50 over direct SQL's. */
  storeOverDirectSqlP50: number | null;
  /** The peers on equal terms: Apollo's gateway over raw pg subgraphs, and Grafbase's gateway. */
  tributaryOverFederationPgP50: number | null;
  tributaryOverGrafbaseP50: number | null;
  tributaryOverGrafbaseRps: number | null;
}

export interface Goal {
  goal: string;
  target: string;
  measured: string;
  met: boolean;
}

export interface BenchResults {
  meta: {
    date: string;
    mode: string;
    /** False for the smoke test (--quick): its cells are too short to decide anything. */
    verdicts: boolean;
    database: string;
    /** The planner and memory settings every contender's database ran with. */
    databaseSettings: Record<string, string>;
    command: string;
    machine: string;
    dataSize: DataSize;
    settings: MeasureSettings;
    /** The contenders measured, in the order of the first repetition. */
    contenders: ContenderName[];
    /** grafbase.toml beyond the subgraphs (caches and merging of requests in flight); null when Grafbase was not measured. */
    grafbaseSettings: Record<string, boolean> | null;
    seconds: { total: number };
  };
  scenarios: ScenarioResult[];
  ratios: Record<string, Ratios>;
  scaling: { sizes: DataSize[]; scenarios: ScalingSeries[] };
  goals: Goal[];
  /** The pump scenario on the main data set. */
  pumps: PumpFigures | null;
  plans: StatementPlan[];
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || !Number.isFinite(a) || !Number.isFinite(b) || b === 0 ? null : Math.round((a / b) * 100) / 100);

/** Ratios between measured cells; null where either contender was not measured (or gave no samples). */
export function ratiosOf(scenario: ScenarioResult): Ratios {
  const { tributary, naive, directSql, federation, store, federationPg, grafbase } = scenario.contenders;
  const measured = (cell: CellResult | undefined) => (cell?.samples ? cell : undefined);
  return {
    naiveOverTributaryCalls: measured(naive) ? ratio(naive!.downstreamCalls, tributary?.downstreamCalls) : null,
    naiveOverTributaryP50: ratio(naive?.p50Ms, tributary?.p50Ms),
    tributaryOverDirectSqlP50: ratio(tributary?.p50Ms, directSql?.p50Ms),
    tributaryOverFederationP50: ratio(tributary?.p50Ms, federation?.p50Ms),
    tributaryOverFederationRps: ratio(tributary?.rps, federation?.rps),
    storeOverDirectSqlP50: measured(store) ? ratio(store!.p50Ms, directSql?.p50Ms) : null,
    tributaryOverFederationPgP50: ratio(tributary?.p50Ms, federationPg?.p50Ms),
    tributaryOverGrafbaseP50: ratio(tributary?.p50Ms, grafbase?.p50Ms),
    tributaryOverGrafbaseRps: ratio(tributary?.rps, grafbase?.rps),
  };
}

/** Least-squares slope of log(p50) against log(orders). */
export function logLogSlope(sizes: DataSize[], p50: number[]): number {
  const points = sizes.map((size, i) => [Math.log(Math.max(1, size.orders)), Math.log(Math.max(0.01, p50[i]!))] as const);
  const meanX = points.reduce((s, [x]) => s + x, 0) / points.length;
  const meanY = points.reduce((s, [, y]) => s + y, 0) / points.length;
  const sxx = points.reduce((s, [x]) => s + (x - meanX) ** 2, 0);
  const sxy = points.reduce((s, [x, y]) => s + (x - meanX) * (y - meanY), 0);
  return sxx === 0 ? 0 : Math.round((sxy / sxx) * 100) / 100;
}

export function scalingSeries(name: string, title: string, sizes: DataSize[], p50ByContender: Partial<Record<ContenderName, number[]>>): ScalingSeries {
  const slope = Object.fromEntries(Object.entries(p50ByContender).map(([c, p50]) => [c, logLogSlope(sizes, p50)]));
  return { name, title, p50Ms: p50ByContender, slope };
}

const fmt = (value: number | null, suffix = 'x') => (value === null ? 'n/a' : `${value}${suffix}`);

/** The goals of the performance issue against this run's figures. */
export function goalsOf(scenarios: ScenarioResult[], ratios: Record<string, Ratios>, pumps: PumpFigures | null = null, database: 'postgres' | 'pglite' = 'pglite'): Goal[] {
  const goals: Goal[] = [];
  if (pumps) {
    // The rate is the reporting issue's bound on PostgreSQL; on PGlite the share of COPY is the fair measure.
    if (database === 'postgres') goals.push({ goal: 'initial pump load, rows/s', target: '≥ 150,000', measured: pumps.initialLoad.rowsPerSecond.toLocaleString('en'), met: pumps.initialLoad.rowsPerSecond >= 150_000 });
    goals.push({ goal: 'initial pump load, share of raw COPY', target: '≥ 40%', measured: `${Math.round(pumps.pumpOverCopy * 100)}%`, met: pumps.pumpOverCopy >= 0.4 });
    goals.push({ goal: `catch-up of ${pumps.catchUp.updates.toLocaleString('en')} changed orders after the last write`, target: '< 1 s', measured: `${pumps.catchUp.secondsAfterLastWrite} s`, met: pumps.catchUp.secondsAfterLastWrite < 1 });
  }
  const cell = (scenario: string, contender: ContenderName) => scenarios.find((s) => s.name === scenario)?.contenders[contender];
  for (const name of ['calibration', 'orders-1000']) {
    const r = ratios[name];
    if (!r) continue;
    goals.push({ goal: `${name} p50, Tributary/Federation`, target: '≤ 0.5x', measured: fmt(r.tributaryOverFederationP50), met: (r.tributaryOverFederationP50 ?? Infinity) <= 0.5 });
    goals.push({ goal: `${name} p50, Tributary/direct SQL`, target: '≤ 2.5x', measured: fmt(r.tributaryOverDirectSqlP50), met: (r.tributaryOverDirectSqlP50 ?? Infinity) <= 2.5 });
    // The page under load is the calibration's: orders-1000 is measured sequentially.
    if (r.tributaryOverFederationRps !== null) goals.push({ goal: `${name} req/s at 16 connections, Tributary/Federation`, target: '≥ 2.5x', measured: fmt(r.tributaryOverFederationRps), met: r.tributaryOverFederationRps >= 2.5 });
  }
  const orders = ratios['orders-1000'];
  if (orders) goals.push({ goal: 'downstream calls, naive/Tributary, orders-1000', target: '≥ 100x', measured: fmt(orders.naiveOverTributaryCalls), met: (orders.naiveOverTributaryCalls ?? 0) >= 100 });
  for (const scenario of scenarios.filter((s) => s.name.endsWith('-year'))) {
    const r = ratios[scenario.name]!;
    goals.push({ goal: `${scenario.name} p50, Tributary/direct SQL`, target: '≤ 1.5x', measured: fmt(r.tributaryOverDirectSqlP50), met: (r.tributaryOverDirectSqlP50 ?? Infinity) <= 1.5 });
    goals.push({ goal: `${scenario.name} p50, Tributary/Federation`, target: '≤ 1x', measured: fmt(r.tributaryOverFederationP50), met: (r.tributaryOverFederationP50 ?? Infinity) <= 1 });
    goals.push({ goal: `${scenario.name} p50, reporting store/direct SQL`, target: '≤ 1.2x', measured: fmt(r.storeOverDirectSqlP50), met: (r.storeOverDirectSqlP50 ?? Infinity) <= 1.2 });
  }
  const dashboard = ratios.dashboard;
  if (dashboard) {
    goals.push({ goal: 'dashboard mix req/s, Tributary/Federation', target: '≥ 2x', measured: fmt(dashboard.tributaryOverFederationRps), met: (dashboard.tributaryOverFederationRps ?? 0) >= 2 });
    const ours = cell('dashboard', 'tributary')?.peakRssMb ?? null;
    const peer = cell('dashboard', 'federation')?.peakRssMb ?? null;
    goals.push({ goal: "gateway peak RSS under the dashboard mix, at most Apollo's and under 250 MB", target: `≤ ${peer ?? '?'} MB and < 250 MB`, measured: fmt(ours, ' MB'), met: ours !== null && peer !== null && ours <= peer && ours < 250 });
  }
  return goals;
}
