import { parseArgs } from 'node:util';
import { DEFAULT_DEMO_DATA, type DemoDataSpec } from './demo-data.js';

const LIMITS = { customers: [1, 10_000_000], products: [1, 1_000_000], orders: [0, 50_000_000], seed: [0, 2 ** 31 - 1] } as const;

export const DEMO_DATA_USAGE = '--customers N --products M --orders K --seed S --until 2026-11-01T00:00:00Z (each optional; the demo data set by default)';

/** `--customers N --products M --orders K --seed S --until ISO`: a data set spec, the demo one where a flag is absent. */
export function demoDataSpecFromArgs(args: readonly string[]): DemoDataSpec {
  const { values } = parseArgs({
    args: [...args],
    options: { customers: { type: 'string' }, products: { type: 'string' }, orders: { type: 'string' }, seed: { type: 'string' }, until: { type: 'string' } },
  });
  const count = (name: keyof typeof LIMITS): number => {
    const raw = values[name];
    if (raw === undefined) return DEFAULT_DEMO_DATA[name];
    const value = Number(raw);
    const [min, max] = LIMITS[name];
    if (!/^\d+$/.test(raw) || value < min || value > max) throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    return value;
  };
  const until = values.until === undefined ? DEFAULT_DEMO_DATA.until : new Date(values.until);
  if (Number.isNaN(until.getTime())) throw new Error(`--until must be an ISO-8601 date, got ${JSON.stringify(values.until)}`);
  return { customers: count('customers'), products: count('products'), orders: count('orders'), seed: count('seed'), until };
}

/** The flags that give `spec` back through demoDataSpecFromArgs. */
export function demoDataArgs(spec: DemoDataSpec): string[] {
  return ['--customers', String(spec.customers), '--products', String(spec.products), '--orders', String(spec.orders), '--seed', String(spec.seed), '--until', spec.until.toISOString()];
}
