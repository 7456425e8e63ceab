import { seededRandom } from './scenarios.js';

/** The p-th percentile (nearest rank) of sorted values. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

export interface MedianEstimate {
  p50: number;
  /** Bootstrap 95% confidence interval of the median. */
  low: number;
  high: number;
  samples: number;
}

/**
 * The median with a percentile-bootstrap 95% interval: the samples are resampled with
 * replacement `rounds` times (deterministically), and the interval spans the middle
 * 95% of the resampled medians. A cell with a wide interval says its verdict is weak.
 */
export function medianWithInterval(values: readonly number[], rounds = 2000, seed = 1): MedianEstimate {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) return { p50: NaN, low: NaN, high: NaN, samples: 0 };
  const random = seededRandom(seed ^ n);
  const medians = new Float64Array(rounds);
  const resample = new Float64Array(n);
  for (let r = 0; r < rounds; r++) {
    for (let i = 0; i < n; i++) resample[i] = sorted[Math.floor(random() * n)]!;
    resample.sort();
    medians[r] = percentile(resample as unknown as number[], 50);
  }
  medians.sort();
  const at = (p: number) => medians[Math.min(rounds - 1, Math.max(0, Math.floor(p * rounds)))]!;
  return { p50: percentile(sorted, 50), low: at(0.025), high: at(0.975), samples: n };
}

/** Rounded to one decimal, as every figure is reported. */
export const round1 = (value: number) => Math.round(value * 10) / 10;
