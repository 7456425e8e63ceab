import { RATE_FROM_EUR, type DemoDataSpec } from './demo-data.js';
import { EntityRandom } from './random.util.js';

/** A demo exchange rate: units of `currency` per one EUR on a business day, as the ECB quotes them. */
export interface DemoRate {
  id: string;
  /** YYYY-MM-DD */
  date: string;
  currency: string;
  /** 4 decimals. */
  rate: string;
  source: 'demo';
  updatedAt: Date;
}

/**
 * Where each currency's walk stays around: the fixed rates the demo prices are
 * converted at, so that converted sums look like the prices. EUR is the base: no walk.
 */
export const DEMO_RATE_CENTRES: Readonly<Record<string, number>> = Object.fromEntries(Object.entries(RATE_FROM_EUR).filter(([currency]) => currency !== 'EUR'));

const DAY = 24 * 60 * 60 * 1000;
/** The ECB publishes at about 16:00 CET: each demo rate is written then. */
const PUBLISHED_AT = 15 * 60 * 60 * 1000;
/** A day's move, relative to the centre (about what EUR/USD moves), and how fast a walk returns to its centre. */
const DAILY_MOVE = 0.004;
const PULL = 0.02;

/** Business days (Monday to Friday) from three years before `until` to its last rate before it: weekends are gaps, as the ECB's. */
export function demoRateDays(spec: DemoDataSpec): Date[] {
  const first = new Date(spec.until);
  first.setUTCFullYear(first.getUTCFullYear() - 3);
  const days: Date[] = [];
  for (let day = Math.floor(first.getTime() / DAY) * DAY; day + PUBLISHED_AT <= spec.until.getTime(); day += DAY) {
    const weekday = new Date(day).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(day));
  }
  return days;
}

/**
 * Every demo rate, day by day, each currency a seeded random walk that is pulled back to
 * its centre: the same spec gives the same rates.
 */
export function* demoRates(spec: DemoDataSpec): Generator<DemoRate> {
  const currencies = Object.entries(DEMO_RATE_CENTRES).map(([currency, centre]) => ({ currency, centre, value: centre, random: new EntityRandom(spec.seed, `rate:${currency}`, 0) }));
  for (const day of demoRateDays(spec)) {
    const date = day.toISOString().slice(0, 10);
    for (const walk of currencies) {
      // A sum of three uniforms: near enough a normal step, without its long tails.
      const step = (walk.random.next() + walk.random.next() + walk.random.next() - 1.5) * 2;
      walk.value += PULL * (walk.centre - walk.value) + DAILY_MOVE * walk.centre * step;
      yield { id: `${date}:${walk.currency}`, date, currency: walk.currency, rate: walk.value.toFixed(4), source: 'demo', updatedAt: new Date(day.getTime() + PUBLISHED_AT) };
    }
  }
}

/** How many rates demoRates gives. */
export function demoRateCount(spec: DemoDataSpec): number {
  return demoRateDays(spec).length * Object.keys(DEMO_RATE_CENTRES).length;
}
