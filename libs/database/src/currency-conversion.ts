import { CURRENCIES, RATES_BASE_CURRENCY } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import type { RawSqlDatabase } from './write-horizon.js';

/**
 * The SQL that converts money where the data is, shared by the orders service (live
 * reports) and the reporting store, so both give the same figures to the cent. Both
 * databases hold `convert_minor_units` and `rate_or_raise` (see their migrations) and a
 * rates table of (date, currency, rate, source) against RATES_BASE_CURRENCY.
 */
export interface ConversionTarget {
  /** The rates table: `rates` in the orders database, `reporting_v1.rates` in the store. */
  ratesTable: string;
  /** Where the functions live, with its dot: '' or 'reporting_v1.'. */
  functions: string;
  /** The currency every amount is converted into: one of CURRENCIES (checked here, as it is written into the SQL). */
  currency: string;
  /** The first and last UTC day orders may fall on: SQL date expressions. */
  firstDay: string;
  lastDay: string;
}

/** The UTC day of an instant, as a SQL date literal. */
export function utcDayLiteral(instant: Date): string {
  return `'${instant.toISOString().slice(0, 10)}'::date`;
}

/** The days a period [from, to) touches: from's day to the day of the last instant before `to`. */
export function periodDays(from: Date, to: Date): Pick<ConversionTarget, 'firstDay' | 'lastDay'> {
  return { firstDay: utcDayLiteral(from), lastDay: utcDayLiteral(new Date(to.getTime() - 1)) };
}

/** The UTC day of an order, as the rates are keyed. */
export const ORDER_DAY = (placedAt: string) => `(${placedAt} AT TIME ZONE 'UTC')::date`;

function currencyLiteral(currency: string): string {
  if (!(CURRENCIES as readonly string[]).includes(currency)) throw new Error(`not a currency of the orders: ${currency}`);
  return `'${currency}'::char(3)`;
}

/**
 * A CTE, `day_rates (day, currency, from_rate, to_rate, sources)`: for every day of the
 * period and every currency orders are in, the rate of that currency and of the target
 * in effect that day (the latest at or before it, as the ECB's series fill weekends and
 * holidays). A day × currency without a rate fails the statement, naming both
 * (`rate_or_raise`), rather than leaving that day's orders out of a converted sum: a
 * few thousand index probes, against a hash join per order.
 */
export function dayRatesCte({ ratesTable, functions, currency, firstDay, lastDay }: ConversionTarget): string {
  const target = currencyLiteral(currency);
  const base = currencyLiteral(RATES_BASE_CURRENCY);
  const rateOn = (currencySql: string, alias: string) =>
    `LEFT JOIN LATERAL (SELECT r.rate, r.source FROM ${ratesTable} r WHERE r.currency = ${currencySql} AND r.date <= d.day ORDER BY r.date DESC LIMIT 1) ${alias} ON ${currencySql} <> ${base}`;
  const rateOf = (currencySql: string, alias: string) => `${functions}rate_or_raise(CASE WHEN ${currencySql} = ${base} THEN 1 ELSE ${alias}.rate END, ${currencySql}, d.day)`;
  return `day_rates AS MATERIALIZED (
    SELECT d.day, c.currency, ${rateOf('c.currency', 'f')} AS from_rate, ${rateOf(target, 't')} AS to_rate, f.source AS from_source, t.source AS to_source
    FROM (SELECT generate_series(${firstDay}, ${lastDay}, interval '1 day')::date AS day) d
    CROSS JOIN unnest(ARRAY[${CURRENCIES.map(currencyLiteral).join(', ')}]) c(currency)
    ${rateOn('c.currency', 'f')}
    ${rateOn(target, 't')})`;
}

/** Joins an order (or a line's order) of alias `orders` to its day's rates, as `dr`. */
export function dayRatesJoin(orders: string): string {
  return `JOIN day_rates dr ON dr.day = ${ORDER_DAY(`${orders}.placed_at`)} AND dr.currency = ${orders}.currency`;
}

/** An amount in minor units of the order's currency, converted at its day's rate (rounded half to even). */
export function convertedAmount(functions: string, amount: string): string {
  return `${functions}convert_minor_units(${amount}, dr.from_rate, dr.to_rate)`;
}

/** Where the rates of the period came from, e.g. 'ECB' or 'demo, ECB'; null if the target is the base and no other currency needed a rate. */
export const RATE_SOURCES_SQL = `(SELECT string_agg(DISTINCT s.source, ', ' ORDER BY s.source) FROM day_rates, unnest(ARRAY[from_source, to_source]) s(source) WHERE s.source IS NOT NULL)`;

/** A missing rate, as `rate_or_raise` reports it: the message names the currency and the day. */
export function missingRateMessage(error: unknown): string | undefined {
  const text = error instanceof Error ? error.message : String(error);
  const match = /no ([A-Z]{3}) rate on or before (\d{4}-\d{2}-\d{2})/.exec(text);
  return match ? `no ${match[1]} rate on or before ${match[2]}: load the rates (npm run rates:load)` : undefined;
}

/**
 * Refuses a target currency the rates table holds nothing for, before any order is read:
 * a period without orders would otherwise answer empty rather than say so.
 */
export async function ratesOrThrow(db: RawSqlDatabase, ratesTable: string, currency: string): Promise<void> {
  if (currency === RATES_BASE_CURRENCY) return;
  const [row] = await db.$queryRawUnsafe<Array<{ known: boolean }>>(`SELECT EXISTS (SELECT 1 FROM ${ratesTable} WHERE currency = $1) AS known`, currency);
  if (!row?.known) throw DomainException.invalidField('currency', `no ${currency} rates at all: load them (npm run rates:load)`);
}
