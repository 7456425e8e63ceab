import { parseArgs } from 'node:util';
import { projectPath } from '@tributary/database';
import { DEFAULT_DEMO_DATA } from '@tributary/demo-data';
import type { DataSize } from './data-sets.js';
import type { MeasureSettings } from './measure.js';

export type BenchMode = 'quick' | 'full' | 'tiny';

export interface BenchOptions {
  mode: BenchMode;
  /** The largest data set: every figure is measured on it; the smaller ones give the slope. */
  size: DataSize;
  /** The data sizes of the scaling figures, as fractions of `size` (the last is 1). */
  scaling: readonly number[];
  settings: MeasureSettings;
  /** Lighter settings for the smaller sizes, where only latency is measured. */
  scalingSettings: MeasureSettings;
  /** A PostgreSQL server URL: one database per service is created on it (and dropped). */
  databaseUrl?: string;
  outDir: string;
  seed: number;
  until: Date;
}

// Two decades: the full run's smaller sizes are the quick run's sizes and a tenth of them.
const SCALING = [0.01, 0.1, 1] as const;

const MODES: Record<BenchMode, Pick<BenchOptions, 'size' | 'scaling' | 'settings' | 'scalingSettings'>> = {
  full: {
    scaling: SCALING,
    size: { customers: 100_000, products: 10_000, orders: 1_000_000 },
    settings: { samples: 50, minSamples: 5, warmups: 5, sampleBudgetMs: 20_000, throughputConnections: 16, throughputSeconds: 10, dashboardConnections: 32, dashboardSeconds: 20 },
    scalingSettings: { samples: 20, minSamples: 5, warmups: 3, sampleBudgetMs: 8_000, throughputConnections: 0, throughputSeconds: 0, dashboardConnections: 0, dashboardSeconds: 0 },
  },
  quick: {
    scaling: SCALING,
    size: { customers: 10_000, products: 1_000, orders: 100_000 },
    settings: { samples: 20, minSamples: 2, warmups: 2, sampleBudgetMs: 400, throughputConnections: 8, throughputSeconds: 0.3, dashboardConnections: 32, dashboardSeconds: 2 },
    scalingSettings: { samples: 4, minSamples: 1, warmups: 1, sampleBudgetMs: 300, throughputConnections: 0, throughputSeconds: 0, dashboardConnections: 0, dashboardSeconds: 0 },
  },
  // Only for the test that keeps the harness from rotting: every code path, tiny data.
  tiny: {
    scaling: [0.5, 1],
    size: { customers: 300, products: 50, orders: 3_000 },
    settings: { samples: 3, minSamples: 2, warmups: 1, sampleBudgetMs: 1_000, throughputConnections: 2, throughputSeconds: 0.3, dashboardConnections: 4, dashboardSeconds: 1 },
    scalingSettings: { samples: 2, minSamples: 1, warmups: 0, sampleBudgetMs: 500, throughputConnections: 0, throughputSeconds: 0, dashboardConnections: 0, dashboardSeconds: 0 },
  },
};

export const USAGE = `npm run bench [-- --quick | --full] [--database-url postgresql://user@host:5432/postgres] [--out DIR]
  --quick          10k customers, 1k products, 100k orders (about 3 minutes on 2 cores)
  --full           100k customers, 10k products, 1M orders (the default)
  --database-url   run every database on this PostgreSQL server (also BENCH_DATABASE_URL); PGlite otherwise
  --out DIR        where results go (default bench/results)`;

export function benchOptionsFromArgs(args: string[], env = process.env): BenchOptions {
  const { values } = parseArgs({
    args,
    options: {
      quick: { type: 'boolean' },
      full: { type: 'boolean' },
      tiny: { type: 'boolean' },
      'database-url': { type: 'string' },
      out: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const chosen = (['quick', 'full', 'tiny'] as const).filter((mode) => values[mode]);
  if (chosen.length > 1) throw new Error(`choose one of --quick, --full, --tiny, not ${chosen.map((m) => `--${m}`).join(' and ')}`);
  const mode = chosen[0] ?? 'full';
  const databaseUrl = values['database-url'] ?? env.BENCH_DATABASE_URL;
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) throw new Error(`--database-url must be a postgresql:// URL, got ${JSON.stringify(databaseUrl)}`);
  return {
    mode,
    ...MODES[mode],
    databaseUrl,
    outDir: values.out ?? projectPath('bench', 'results'),
    seed: DEFAULT_DEMO_DATA.seed,
    until: DEFAULT_DEMO_DATA.until,
  };
}

/** `size` scaled by `fraction`, never below one customer and one product. */
export function scaledSize(size: DataSize, fraction: number): DataSize {
  return {
    customers: Math.max(1, Math.round(size.customers * fraction)),
    products: Math.max(1, Math.round(size.products * fraction)),
    orders: Math.round(size.orders * fraction),
  };
}
