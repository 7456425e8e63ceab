import { parseArgs } from 'node:util';
import { projectPath } from '@tributary/database';
import { DEFAULT_DEMO_DATA } from '@tributary/demo-data';
import { CONTENDERS, type ContenderName } from './contenders.js';
import { grafbaseUnavailable } from './federation/grafbase-gateway.js';
import type { DataSize } from './data-sets.js';
import type { MeasureSettings } from './measure.js';

export type BenchMode = 'quick' | 'default' | 'full' | 'tiny';

export interface BenchOptions {
  mode: BenchMode;
  /** The largest data set: every figure is measured on it; the smaller ones give the slope. */
  size: DataSize;
  /** The data sizes of the scaling figures, as fractions of `size` (the last is 1). */
  scaling: readonly number[];
  settings: MeasureSettings;
  /** Lighter settings for the smaller sizes, where only the scaling scenarios' latency is measured. */
  scalingSettings: MeasureSettings;
  /** Capture every statement each contender runs and save its EXPLAIN (ANALYZE, BUFFERS) plan. */
  plans: boolean;
  /** The contenders measured, in the order of the first repetition. */
  contenders: readonly ContenderName[];
  /** A PostgreSQL server URL: one database per service is created on it (and dropped). */
  databaseUrl?: string;
  outDir: string;
  seed: number;
  until: Date;
}

const QUICK_SIZE = { customers: 10_000, products: 1_000, orders: 100_000 };

/** The bounds of the issue: warm-up at least 3 s or 30 requests, latency at least 10 s or 50, load 10 s at 16 connections. */
const VERDICT_SETTINGS: MeasureSettings = {
  warmup: { seconds: 3, requests: 30 },
  latency: { seconds: 10, requests: 55 },
  throughput: { connections: 16, seconds: 10 },
  dashboard: { connections: 16, seconds: 10 },
  repetitions: 2,
  checkedShare: 0.1,
};
const SCALING_SETTINGS: MeasureSettings = { ...VERDICT_SETTINGS, latency: { seconds: 5, requests: 20 }, warmup: { seconds: 2, requests: 10 }, throughput: null, dashboard: null, repetitions: 1 };

/**
 * The harness test's contenders: every code path of the harness, without the peers
 * that add only another gateway or driver (each start costs seconds on a test machine
 * already over its budget). test/bench-peers.e2e.ts checks those on their own.
 */
export const TINY_CONTENDERS: readonly ContenderName[] = ['tributary', 'naive', 'directSql', 'federation', 'store'];

const MODES: Record<BenchMode, Pick<BenchOptions, 'size' | 'scaling' | 'settings' | 'scalingSettings' | 'plans' | 'contenders'>> = {
  // The verdicts: the quick data sizes, every bound of the issue, two repetitions.
  default: { size: QUICK_SIZE, scaling: [0.01, 0.1, 1], settings: VERDICT_SETTINGS, scalingSettings: SCALING_SETTINGS, plans: true, contenders: CONTENDERS },
  // The same, with the 1M-order set as the main one.
  full: { size: { customers: 100_000, products: 10_000, orders: 1_000_000 }, scaling: [0.01, 0.1, 1], settings: VERDICT_SETTINGS, scalingSettings: SCALING_SETTINGS, plans: true, contenders: CONTENDERS },
  // A smoke test: every code path, too short for verdicts.
  quick: {
    size: QUICK_SIZE,
    scaling: [0.1, 1],
    settings: { warmup: { seconds: 1, requests: 5 }, latency: { seconds: 2, requests: 10 }, throughput: { connections: 16, seconds: 2 }, dashboard: { connections: 16, seconds: 2 }, repetitions: 1, checkedShare: 0.2 },
    scalingSettings: { ...SCALING_SETTINGS, latency: { seconds: 1, requests: 5 }, warmup: { seconds: 1, requests: 2 } },
    plans: false,
    contenders: CONTENDERS,
  },
  // Only for the test that keeps the harness from rotting: every code path, tiny data.
  tiny: {
    size: { customers: 300, products: 50, orders: 3_000 },
    // One size: every contender start costs seconds, and the harness test must stay short.
    scaling: [1],
    // One repetition: a second starts every contender again (most of a repetition's time);
    // test/medium/bench-repetitions.medium.ts checks two with stand-in contenders.
    settings: { warmup: { seconds: 1, requests: 2 }, latency: { seconds: 1, requests: 3 }, throughput: { connections: 2, seconds: 1 }, dashboard: { connections: 4, seconds: 1 }, repetitions: 1, checkedShare: 0.5 },
    scalingSettings: { ...SCALING_SETTINGS, latency: { seconds: 1, requests: 2 }, warmup: { seconds: 1, requests: 1 } },
    plans: true,
    contenders: TINY_CONTENDERS,
  },
};

export const USAGE = `npm run bench [-- --quick | --full] [--database-url postgresql://user@host:5432/postgres] [--out DIR] [--contenders a,b,…]
  (default)        the verdicts: 10k customers, 1k products, 100k orders, 2 repetitions (14-18 minutes on 2 cores with five contenders; the two peers add about two fifths)
  --quick          a smoke test of the same, in a few minutes: no verdicts
  --full           the verdicts on 100k customers, 10k products, 1M orders
  --database-url   run every database on this PostgreSQL server (also BENCH_DATABASE_URL); PGlite otherwise
  --out DIR        where results go (default bench/results)
  --contenders     measure only these (${CONTENDERS.join(', ')}); every one by default, --tiny the harness test's five`;

export function benchOptionsFromArgs(args: string[], env = process.env): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      tiny: { type: 'boolean' },
      'database-url': { type: 'string' },
      out: { type: 'string' },
      contenders: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const chosen = (['quick', 'full', 'tiny'] as const).filter((mode) => values[mode]);
  if (chosen.length > 1) throw new Error(`choose one of --quick, --full, --tiny, not ${chosen.map((m) => `--${m}`).join(' and ')}`);
  const mode = chosen[0] ?? 'default';
  const databaseUrl = values['database-url'] ?? env.BENCH_DATABASE_URL;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error(`--database-url must be a postgresql:// URL, got ${JSON.stringify(databaseUrl)}`);
  const contenders = values.contenders ? contendersOrThrow(values.contenders) : MODES[mode].contenders;
  // Its npm package is optional (x86_64 Linux only): elsewhere the run goes on without it, and says so.
  const grafbaseProblem = contenders.includes('grafbase') ? grafbaseUnavailable() : null;
  if (grafbaseProblem) console.log(`Grafbase's gateway is left out of this run: ${grafbaseProblem}`);
  return {
    mode,
    ...MODES[mode],
    contenders: grafbaseProblem ? contenders.filter((name) => name !== 'grafbase') : contenders,
    databaseUrl,
    outDir: values.out ?? projectPath('bench', 'results'),
    seed: DEFAULT_DEMO_DATA.seed,
    until: DEFAULT_DEMO_DATA.until,
  };
}

function contendersOrThrow(list: string): ContenderName[] {
  const names = list.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !(CONTENDERS as readonly string[]).includes(name));
  if (unknown.length || !names.length) throw new Error(`--contenders takes a comma-separated list of ${CONTENDERS.join(', ')}; got ${JSON.stringify(list)}`);
  // Direct SQL answers the reference in every run; measuring it is a choice like the others.
  return [...new Set(names)] as ContenderName[];
}

/** `size` scaled by `fraction`, never below one customer and one product. */
export function scaledSize(size: DataSize, fraction: number): DataSize {
  return {
    customers: Math.max(1, Math.round(size.customers * fraction)),
    products: Math.max(1, Math.round(size.products * fraction)),
    orders: Math.round(size.orders * fraction),
  };
}
