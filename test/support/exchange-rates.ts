import type { TestDatabase } from '@tributary/testing';

/**
 * Currency conversion computed independently of the SQL under test: exact integer
 * arithmetic from the rates as the orders service holds them. A report in a currency
 * must equal what this gives, to the cent.
 */
const SCALE = 10;

/** A decimal string as an integer of 10^-10 units: exact, as rates are stored. */
export function scaled(decimal: string): bigint {
  const [whole, fraction = ''] = decimal.split('.');
  return BigInt(whole! + fraction.padEnd(SCALE, '0').slice(0, SCALE));
}

export function roundHalfEven(numerator: bigint, denominator: bigint): bigint {
  const quotient = numerator / denominator;
  const twice = 2n * (numerator - quotient * denominator);
  if (twice > denominator) return quotient + 1n;
  if (twice === denominator) return quotient % 2n === 0n ? quotient : quotient + 1n;
  return quotient;
}

export interface Rates {
  /** The rate of a currency in effect on a UTC day: the latest at or before it (EUR, the base: 1). */
  on(currency: string, day: string): string;
  /** The days a currency has a rate of its own. */
  days(currency: string): Set<string>;
  /** `amount` minor units of `currency`, placed at `placedAt`, in minor units of `into`. */
  convert(amount: bigint, currency: string, placedAt: Date, into: string): bigint;
}

export const utcDay = (instant: Date) => instant.toISOString().slice(0, 10);

export async function loadRates(orders: TestDatabase): Promise<Rates> {
  const rows = await orders.$queryRawUnsafe<Array<{ date: string; currency: string; rate: string }>>(
    `SELECT to_char(date, 'YYYY-MM-DD') AS date, currency, rate::text AS rate FROM rates ORDER BY currency, date`,
  );
  const byCurrency = new Map<string, Array<{ date: string; rate: string }>>();
  for (const row of rows) byCurrency.set(row.currency, [...(byCurrency.get(row.currency) ?? []), { date: row.date, rate: row.rate }]);
  const on = (currency: string, day: string) => {
    if (currency === 'EUR') return '1';
    const earlier = (byCurrency.get(currency) ?? []).filter((rate) => rate.date <= day);
    if (!earlier.length) throw new Error(`no ${currency} rate on or before ${day}`);
    return earlier[earlier.length - 1]!.rate;
  };
  return {
    on,
    days: (currency) => new Set((byCurrency.get(currency) ?? []).map((rate) => rate.date)),
    convert: (amount, currency, placedAt, into) => roundHalfEven(amount * scaled(on(into, utcDay(placedAt))), scaled(on(currency, utcDay(placedAt)))),
  };
}
