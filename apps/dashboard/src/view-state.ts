import { CURRENCIES, type Currency } from '@tributary/contracts';

/**
 * What the page shows, as its URL says it: a view can be shared by its address.
 * `?period=latest-year` (the default): the twelve months up to the latest month with
 * orders, which shows the demo data whatever today's date; `last-30-days`, `this-year`,
 * `last-year` are relative to today (UTC, as the reports' periods); `custom` takes
 * `from` and `to` (YYYY-MM-DD, UTC midnights, `to` not included), as the reports do.
 * `currency` EUR (default), GBP, USD or `per-currency`; `maxStaleness` in seconds (300);
 * `customer` the id whose summary is open.
 */
export const PRESETS = [
  { id: 'latest-year', label: 'Last 12 months with orders' },
  { id: 'last-30-days', label: 'Last 30 days' },
  { id: 'this-year', label: 'This year' },
  { id: 'last-year', label: 'Last year' },
  { id: 'custom', label: 'Custom range' },
] as const;
export type PresetId = (typeof PRESETS)[number]['id'];

export const PER_CURRENCY = 'per-currency';
export const DEFAULT_CURRENCY: Currency = 'EUR';
export const DEFAULT_MAX_STALENESS = 300;
/** The gateway's bound on maxStaleness (a year and a day). */
export const MAX_STALENESS = 366 * 24 * 3600;

export interface ViewState {
  preset: PresetId;
  /** YYYY-MM-DD, for `custom`; the presets compute theirs. */
  from: string | null;
  to: string | null;
  /** null: per currency, each row in its orders' own. */
  currency: Currency | null;
  maxStaleness: number;
  customer: string | null;
}

/** A period of the reports: from inclusive, to exclusive, both UTC midnights (YYYY-MM-DD). */
export interface Period {
  from: string;
  to: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 3600 * 1000;

export function isDay(value: string | null): value is string {
  return value !== null && DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) && new Date(`${value}T00:00:00Z`).toISOString().startsWith(value);
}

/** The view a URL's query asks for; what is missing or malformed takes its default. */
export function parseViewState(search: string): ViewState {
  const params = new URLSearchParams(search);
  const from = params.get('from');
  const to = params.get('to');
  const asked = params.get('period');
  const known = PRESETS.find((preset) => preset.id === asked)?.id;
  // A shared custom range names its days; `period` may be left out then.
  const preset: PresetId = known ?? (isDay(from) && isDay(to) ? 'custom' : 'latest-year');
  const currencyParam = params.get('currency');
  const currency = currencyParam === PER_CURRENCY ? null : (CURRENCIES.find((c) => c === currencyParam) ?? DEFAULT_CURRENCY);
  const staleness = Number(params.get('maxStaleness') ?? DEFAULT_MAX_STALENESS);
  const maxStaleness = Number.isInteger(staleness) && staleness >= 0 && staleness <= MAX_STALENESS ? staleness : DEFAULT_MAX_STALENESS;
  return { preset, from: isDay(from) ? from : null, to: isDay(to) ? to : null, currency, maxStaleness, customer: params.get('customer') || null };
}

/** The query that gives this view back; every setting is written, so a shared link keeps them. */
export function toSearch(state: ViewState): string {
  const params = new URLSearchParams({ period: state.preset });
  if (state.preset === 'custom') {
    if (state.from) params.set('from', state.from);
    if (state.to) params.set('to', state.to);
  }
  params.set('currency', state.currency ?? PER_CURRENCY);
  params.set('maxStaleness', String(state.maxStaleness));
  if (state.customer) params.set('customer', state.customer);
  return `?${params.toString()}`;
}

export const dayOf = (date: Date): string => date.toISOString().slice(0, 10);
const addDays = (day: string, days: number): string => dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS));
/** The day after today (UTC): a period that ends there includes today. */
export const tomorrowOf = (today: Date): string => addDays(dayOf(today), 1);

/** The first day of the month `months` after YYYY-MM (negative: before). */
export function monthStart(month: string, months = 0): string {
  const [year, index] = month.split('-').map(Number) as [number, number];
  return dayOf(new Date(Date.UTC(year, index - 1 + months, 1)));
}

/**
 * The period of a preset on `today` (UTC). Relative presets end with today included;
 * `latest-year` needs the latest month with orders (YYYY-MM), and without one is the
 * twelve months up to today's.
 */
export function periodOf(preset: Exclude<PresetId, 'custom'>, today: Date, latestMonth: string | null = null): Period {
  const tomorrow = tomorrowOf(today);
  const year = today.getUTCFullYear();
  switch (preset) {
    case 'last-30-days':
      return { from: addDays(tomorrow, -30), to: tomorrow };
    case 'this-year':
      return { from: `${year}-01-01`, to: tomorrow };
    case 'last-year':
      return { from: `${year - 1}-01-01`, to: `${year}-01-01` };
    case 'latest-year': {
      const month = latestMonth ?? dayOf(today).slice(0, 7);
      return { from: monthStart(month, -11), to: monthStart(month, 1) };
    }
  }
}

/** Why a custom range cannot be asked for, or null when it can. */
export function customPeriodProblem(from: string | null, to: string | null): string | null {
  if (!isDay(from) || !isDay(to)) return 'Choose both days of the custom range.';
  if (from >= to) return 'The end of the period must be after its start.';
  return null;
}

/** The period as the reports take it: ISO instants, UTC midnights. */
export const instantsOf = ({ from, to }: Period) => ({ from: `${from}T00:00:00Z`, to: `${to}T00:00:00Z` });

/** The period for people: both days included. */
export const lastDayOf = (period: Period): string => addDays(period.to, -1);

/** The months of a period (YYYY-MM), every one it touches, with orders or not. */
export function monthsOf(period: Period): string[] {
  const months: string[] = [];
  const last = lastDayOf(period).slice(0, 7);
  for (let month = period.from.slice(0, 7); month <= last; month = monthStart(month, 1).slice(0, 7)) months.push(month);
  return months;
}
