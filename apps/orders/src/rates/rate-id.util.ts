import { RATES_BASE_CURRENCY, type RateDay } from '@tributary/contracts';

/** A currency's rate on a day, as an id `YYYY-MM-DD:CUR` names it. */
export interface RateKey {
  date: RateDay;
  currency: string;
}

export const RATE_ID_EXAMPLE = '2026-01-05:USD';
const RATE_ID = /^(\d{4}-\d{2}-\d{2}):([A-Z]{3})$/;
export const CURRENCY_CODE = /^[A-Z]{3}$/;

/** A day of the calendar as YYYY-MM-DD, from year 1 to 9999 (2026-02-30 is none). */
export function isRateDay(text: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text) || text.startsWith('0000')) return false;
  const day = new Date(`${text}T00:00:00Z`);
  return !Number.isNaN(day.getTime()) && day.toISOString().slice(0, 10) === text;
}

/** The day and currency an id names, or undefined when it is not `YYYY-MM-DD:CUR`. */
export function parseRateId(id: string): RateKey | undefined {
  const match = RATE_ID.exec(id);
  return match && isRateDay(match[1]!) ? { date: match[1]!, currency: match[2]! } : undefined;
}

/** Why an id is not a rate's (`must be …`), or undefined: for the batch contract's 400. */
export function malformedRateId(id: string): string | undefined {
  if (parseRateId(id)) return undefined;
  const match = RATE_ID.exec(id);
  if (match) return `names no day of the calendar: ${match[1]}`;
  return `must be a day and a currency, YYYY-MM-DD:CUR, such as ${RATE_ID_EXAMPLE}`;
}

/** The base has rate 1 on every day and no rows. */
export const isBaseCurrency = (currency: string) => currency === RATES_BASE_CURRENCY;
