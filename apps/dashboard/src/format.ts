/** Numbers, money and dates in the browser's locale; money comes in cents of its currency. */
const moneyFormats = new Map<string, Intl.NumberFormat>();
const compactFormats = new Map<string, Intl.NumberFormat>();
const integers = new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 });
const days = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeZone: 'UTC' });
const instants = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
const months = new Intl.DateTimeFormat(undefined, { month: 'short', year: 'numeric', timeZone: 'UTC' });
const times = new Intl.DateTimeFormat(undefined, { timeStyle: 'medium' });

function cached(cache: Map<string, Intl.NumberFormat>, currency: string, options: Intl.NumberFormatOptions): Intl.NumberFormat {
  let format = cache.get(currency);
  if (!format) cache.set(currency, (format = new Intl.NumberFormat(undefined, { style: 'currency', currency, ...options })));
  return format;
}

export const money = (cents: number, currency: string): string => cached(moneyFormats, currency, {}).format(cents / 100);
/** For chart axes: €1.2M. */
export const compactMoney = (cents: number, currency: string): string => cached(compactFormats, currency, { notation: 'compact', maximumFractionDigits: 1 }).format(cents / 100);
export const integer = (value: number): string => integers.format(value);
/** YYYY-MM-DD (a UTC day) or an ISO instant, as a day. */
export const day = (value: string): string => days.format(new Date(value.length === 10 ? `${value}T00:00:00Z` : value));
export const instant = (value: string): string => `${instants.format(new Date(value))} UTC`;
/** YYYY-MM. */
export const month = (value: string): string => months.format(new Date(`${value}-01T00:00:00Z`));
export const clockTime = (value: Date): string => times.format(value);

/** 0.8 s, 42 s, 7 min, 3 h 5 min, 2 d 4 h. */
export function duration(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

export function bytes(value: number): string {
  if (value < 1024) return `${integer(value)} B`;
  if (value < 1024 * 1024) return `${(value / 1024).toFixed(1)} kB`;
  return `${(value / 1024 / 1024).toFixed(1)} MB`;
}
