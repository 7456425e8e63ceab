import { CONTENDERS, type ContenderName } from '../contenders.js';
import type { DataSize } from '../data-sets.js';

/** One contender's figures on one scenario at the main data size. */
export interface CellResult {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  /** Requests per second under concurrent load; null where no load run was made. */
  rps: number | null;
  downstreamCalls: number;
  peakRssMb: number | null;
  samples: number;
  errors: number;
  mismatches: number;
  firstProblem?: string;
}

export interface ScenarioResult {
  name: string;
  title: string;
  contenders: Record<ContenderName, CellResult>;
}

export interface ScalingSeries {
  name: string;
  title: string;
  /** p50 per contender, one value per data size. */
  p50Ms: Record<ContenderName, number[]>;
  /** The exponent b of p50 ∝ orders^b (0: flat, 1: linear), by least squares on logs. */
  slope: Record<ContenderName, number>;
}

export interface Ratios {
  naiveOverTributaryCalls: number | null;
  naiveOverTributaryP50: number | null;
  tributaryOverDirectSqlP50: number | null;
  tributaryOverFederationP50: number | null;
  tributaryOverFederationRps: number | null;
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
    database: string;
    command: string;
    machine: string;
    dataSize: DataSize;
    connections: { throughput: number; dashboard: number };
    seconds: { throughput: number; dashboard: number; total: number };
  };
  scenarios: ScenarioResult[];
  ratios: Record<string, Ratios>;
  scaling: { sizes: DataSize[]; scenarios: ScalingSeries[] };
  goals: Goal[];
}

const ratio = (a: number | null | undefined, b: number | null | undefined) => (a == null || b == null || b === 0 ? null : Math.round((a / b) * 100) / 100);

export function ratiosOf(scenario: ScenarioResult): Ratios {
  const { tributary, naive, directSql, federation } = scenario.contenders;
  return {
    naiveOverTributaryCalls: ratio(naive.downstreamCalls, tributary.downstreamCalls),
    naiveOverTributaryP50: ratio(naive.p50Ms, tributary.p50Ms),
    tributaryOverDirectSqlP50: ratio(tributary.p50Ms, directSql.p50Ms),
    tributaryOverFederationP50: ratio(tributary.p50Ms, federation.p50Ms),
    tributaryOverFederationRps: ratio(tributary.rps, federation.rps),
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

export function scalingSeries(name: string, title: string, sizes: DataSize[], p50ByContender: Record<ContenderName, number[]>): ScalingSeries {
  const slope = Object.fromEntries(CONTENDERS.map((c) => [c, logLogSlope(sizes, p50ByContender[c])])) as Record<ContenderName, number>;
  return { name, title, p50Ms: p50ByContender, slope };
}

/** The goals against this run's figures. */
export function goalsOf(scenarios: ScenarioResult[], ratios: Record<string, Ratios>): Goal[] {
  const goals: Goal[] = [];
  const orders = ratios['orders-1000'];
  const fmt = (value: number | null, suffix = 'x') => (value === null ? 'n/a' : `${value}${suffix}`);
  if (orders) {
    goals.push({ goal: 'downstream calls, naive/Tributary, scenario (a)', target: '≥ 100x', measured: fmt(orders.naiveOverTributaryCalls), met: (orders.naiveOverTributaryCalls ?? 0) >= 100 });
    goals.push({ goal: 'scenario (a) p50, Tributary/direct SQL', target: '≤ 2x', measured: fmt(orders.tributaryOverDirectSqlP50), met: (orders.tributaryOverDirectSqlP50 ?? Infinity) <= 2 });
    goals.push({ goal: 'scenario (a) throughput, Tributary/Federation', target: '≥ 2.5x', measured: fmt(orders.tributaryOverFederationRps), met: (orders.tributaryOverFederationRps ?? 0) >= 2.5 });
  }
  for (const scenario of scenarios.filter((s) => s.name.endsWith('-year'))) {
    const r = ratios[scenario.name]!;
    goals.push({ goal: `${scenario.name} p50, Tributary/direct SQL`, target: '≤ 1.2x', measured: fmt(r.tributaryOverDirectSqlP50), met: (r.tributaryOverDirectSqlP50 ?? Infinity) <= 1.2 });
  }
  const dashboard = ratios.dashboard;
  if (dashboard) {
    goals.push({ goal: 'dashboard mix throughput, Tributary/Federation', target: '≥ 2x', measured: fmt(dashboard.tributaryOverFederationRps), met: (dashboard.tributaryOverFederationRps ?? 0) >= 2 });
  }
  return goals;
}
