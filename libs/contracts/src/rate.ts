import type { ListQuery } from './batch.js';
import type { Instant } from './common.js';

/**
 * Rates are quoted against one base currency, as the European Central Bank publishes
 * them: `rate` units of `currency` buy one unit of the base. The base itself has rate 1
 * on every day and no rows.
 */
export const RATES_BASE_CURRENCY = 'EUR';

/** A day as rates are keyed: YYYY-MM-DD (the ECB's calendar day, taken as UTC). */
export type RateDay = string;

/**
 * A rate as the orders service sends it. `id` is the natural key, `YYYY-MM-DD:CUR`.
 * In a list every rate is one the table holds (`rateDate` = `date`). In a batchGet
 * answer `date` is the day asked for and `rateDate` the day of the rate in effect then:
 * a weekend or holiday uses the latest earlier rate, as the ECB's own series do.
 */
export interface Rate {
  id: string;
  date: RateDay;
  /** ISO 4217, upper case. */
  currency: string;
  /** A decimal string, exact (never a binary float): units of `currency` per one EUR. */
  rate: string;
  rateDate: RateDay;
  /** Where the rate comes from: ECB, demo, … */
  source: string;
  updatedAt: Instant;
}

/** `GET /v1/rates`: the rates the table holds, optionally of one currency and a range of days (both ends inclusive). */
export interface RatesListQuery extends ListQuery {
  currency?: string;
  from?: RateDay;
  to?: RateDay;
}

/** The id of a currency's rate on a day. */
export function rateId(date: RateDay, currency: string): string {
  return `${date}:${currency}`;
}

/**
 * How a converted amount is computed, the same in every report and both sources:
 * each order's amount (each line's, for reports by product or category) is converted at
 * the rate of its UTC day, `amount × rate(to) / rate(from)`, rounded half to even to
 * whole minor units, and only then summed. Every currency here has two decimals.
 */
export const CONVERSION_RULE = 'each order (or line) converted at its UTC day’s rate, rounded half to even to minor units, then summed';
