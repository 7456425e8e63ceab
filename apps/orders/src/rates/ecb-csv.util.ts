import { RATES_BASE_CURRENCY, type RateDay } from '@tributary/contracts';
import { CURRENCY_CODE, isRateDay } from './rate-id.util.js';

/**
 * The European Central Bank's reference rates as CSV, both of its files:
 * eurofxref-hist.csv (`Date,USD,JPY,…,` then `2024-01-05,1.0921,158.52,…,`, newest first)
 * and the daily eurofxref.csv (`Date, USD, JPY, …, ` then `05 January 2024, 1.0921, …, `).
 * Lines may end with a comma (an empty last column); `N/A` or an empty cell is a currency
 * without a rate that day. Pure: text in, rates or every problem out.
 */

/** One rate of the file: units of `currency` per one EUR on `date`, as written (a decimal string). */
export interface EcbRate {
  date: RateDay;
  currency: string;
  rate: string;
}

export interface EcbRates {
  rates: EcbRate[];
  /** The currencies of the header, in its order. */
  currencies: string[];
  /** Data lines: one day each. */
  days: number;
  /** Cells with N/A or nothing: no rate of that currency that day. */
  withoutRate: number;
}

/** Where a file is wrong, 1-based, and what is wrong there. */
export interface EcbCsvProblem {
  line: number;
  column: number;
  message: string;
}

/** How many problems the error's message lists; `problems` has them all. */
const LISTED = 10;

export class EcbCsvError extends Error {
  constructor(readonly problems: readonly EcbCsvProblem[]) {
    const listed = problems.slice(0, LISTED).map((p) => `line ${p.line}, column ${p.column}: ${p.message}`);
    if (problems.length > LISTED) listed.push(`… and ${problems.length - LISTED} more`);
    super(listed.join('\n'));
    this.name = 'EcbCsvError';
  }
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
/** What DECIMAL(20,10) holds: up to 10 digits before the point and 10 after. */
const RATE = /^(\d+)(?:\.(\d+))?$/;
const MAX_DIGITS = 10;

/** 2024-01-05, or 05 January 2024 (the daily file), as YYYY-MM-DD; undefined when neither. */
export function ecbDay(text: string): RateDay | undefined {
  if (isRateDay(text)) return text;
  const match = /^(\d{1,2}) ([A-Za-z]+) (\d{4})$/.exec(text);
  const month = match ? MONTHS.indexOf(match[2]!.toLowerCase()) : -1;
  if (!match || month < 0) return undefined;
  const day = `${match[3]}-${String(month + 1).padStart(2, '0')}-${match[1]!.padStart(2, '0')}`;
  return isRateDay(day) ? day : undefined;
}

/** Why a cell is not a rate, or undefined. */
function rateProblem(cell: string): string | undefined {
  const match = RATE.exec(cell);
  if (!match) return /^-\d*\.?\d+$/.test(cell) ? `${JSON.stringify(cell)} is not a rate: rates are positive` : `${JSON.stringify(cell)} is not a rate: a positive decimal such as 1.0921, or N/A`;
  const [, whole, fraction = ''] = match;
  if (!/[1-9]/.test(whole! + fraction)) return `${JSON.stringify(cell)} is not a rate: rates are positive`;
  if (whole!.replace(/^0+/, '').length > MAX_DIGITS || fraction.length > MAX_DIGITS) return `${JSON.stringify(cell)} has more than ${MAX_DIGITS} digits before or after the point`;
  return undefined;
}

const cellsOf = (line: string) => line.split(',').map((cell) => cell.trim());

export function parseEcbCsv(text: string): EcbRates {
  const problems: EcbCsvProblem[] = [];
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  const headerIndex = lines.findIndex((line) => line.trim() !== '');
  if (headerIndex < 0) throw new EcbCsvError([{ line: 1, column: 1, message: 'the file is empty: it starts with a header, Date,USD,JPY,…' }]);
  const headerLine = headerIndex + 1;
  const header = cellsOf(lines[headerIndex]!);
  // A line that ends with a comma has an empty last column: the ECB's own files do.
  const width = header.length > 1 && header.at(-1) === '' ? header.length - 1 : header.length;
  const currencies = header.slice(1, width);
  if (header[0]!.toLowerCase() !== 'date') problems.push({ line: headerLine, column: 1, message: `the first column is Date, not ${JSON.stringify(header[0])}` });
  if (currencies.length === 0) problems.push({ line: headerLine, column: 2, message: 'the header names no currency: Date,USD,JPY,…' });
  currencies.forEach((currency, index) => {
    const column = index + 2;
    if (!CURRENCY_CODE.test(currency)) problems.push({ line: headerLine, column, message: `${JSON.stringify(currency)} is not a currency: 3 capital letters (ISO 4217), such as USD` });
    else if (currency === RATES_BASE_CURRENCY) problems.push({ line: headerLine, column, message: `${RATES_BASE_CURRENCY} is the base of the rates (1 on every day), not a column` });
    else if (currencies.indexOf(currency) !== index) problems.push({ line: headerLine, column, message: `${currency} is column ${currencies.indexOf(currency) + 2} already` });
  });

  const rates: EcbRate[] = [];
  const lineOfDay = new Map<RateDay, number>();
  let withoutRate = 0;
  for (let index = headerIndex + 1; index < lines.length; index++) {
    if (lines[index]!.trim() === '') continue;
    const line = index + 1;
    const cells = cellsOf(lines[index]!);
    if (cells.length > header.length) {
      problems.push({ line, column: header.length + 1, message: `the line has ${cells.length} cells, more than the header's ${header.length}` });
      continue;
    }
    if (cells.length < width) {
      problems.push({ line, column: cells.length + 1, message: `the line has ${cells.length} cells, fewer than the header's ${header.length}: no cell for ${currencies[cells.length - 1]}` });
      continue;
    }
    if (cells.length > width && cells[width] !== '') problems.push({ line, column: width + 1, message: `${JSON.stringify(cells[width])} is in the header's empty last column, which has no currency` });
    const date = ecbDay(cells[0]!);
    if (!date) problems.push({ line, column: 1, message: `${JSON.stringify(cells[0])} is not a day: YYYY-MM-DD, or 05 January 2024` });
    else if (lineOfDay.has(date)) problems.push({ line, column: 1, message: `${date} is on line ${lineOfDay.get(date)} already` });
    else lineOfDay.set(date, line);
    currencies.forEach((currency, index) => {
      const cell = cells[index + 1]!;
      if (cell === '' || cell.toUpperCase() === 'N/A') {
        withoutRate++;
        return;
      }
      const problem = rateProblem(cell);
      if (problem) problems.push({ line, column: index + 2, message: `${currency}: ${problem}` });
      else if (date) rates.push({ date, currency, rate: cell });
    });
  }
  if (problems.length) throw new EcbCsvError(problems);
  return { rates, currencies, days: lineOfDay.size, withoutRate };
}
