import { describe, expect, it } from 'vitest';
import { EcbCsvError, ecbDay, parseEcbCsv, type EcbCsvProblem } from './ecb-csv.util.js';

/** The problems a file is refused with; fails when it is taken. */
function problemsOf(text: string): EcbCsvProblem[] {
  try {
    parseEcbCsv(text);
  } catch (error) {
    if (error instanceof EcbCsvError) return [...error.problems];
    throw error;
  }
  throw new Error('the file was taken');
}

describe('parseEcbCsv', () => {
  it('reads eurofxref-hist.csv: a trailing comma on every line, N/A where a currency has no rate, newest day first', () => {
    const parsed = parseEcbCsv('Date,USD,JPY,CYP,\n2024-01-05,1.0921,158.52,N/A,\n2024-01-04,1.0953,159.16,,\n');
    expect(parsed).toEqual({
      currencies: ['USD', 'JPY', 'CYP'],
      days: 2,
      withoutRate: 2,
      rates: [
        { date: '2024-01-05', currency: 'USD', rate: '1.0921' },
        { date: '2024-01-05', currency: 'JPY', rate: '158.52' },
        { date: '2024-01-04', currency: 'USD', rate: '1.0953' },
        { date: '2024-01-04', currency: 'JPY', rate: '159.16' },
      ],
    });
  });

  it('reads the daily eurofxref.csv: spaces after the commas, the day written out, CRLF and a byte order mark', () => {
    const parsed = parseEcbCsv('\uFEFFDate, USD, JPY, GBP, \r\n05 January 2024, 1.0921, 158.52, 0.85950, \r\n');
    expect(parsed.rates).toEqual([
      { date: '2024-01-05', currency: 'USD', rate: '1.0921' },
      { date: '2024-01-05', currency: 'JPY', rate: '158.52' },
      { date: '2024-01-05', currency: 'GBP', rate: '0.85950' },
    ]);
  });

  it('takes lines without the trailing comma, and blank lines', () => {
    expect(parseEcbCsv('Date,USD\n\n2024-01-05,1.0921\n\n').rates).toEqual([{ date: '2024-01-05', currency: 'USD', rate: '1.0921' }]);
  });

  it.each([
    ['a day that does not exist', 'Date,USD,\n2024-02-30,1.09,\n', { line: 2, column: 1, message: '"2024-02-30" is not a day: YYYY-MM-DD, or 05 January 2024' }],
    ['a day in another format', 'Date,USD,\n05/01/2024,1.09,\n', { line: 2, column: 1, message: '"05/01/2024" is not a day: YYYY-MM-DD, or 05 January 2024' }],
    ['a rate of zero', 'Date,USD,JPY,\n2024-01-05,1.09,0.000,\n', { line: 2, column: 3, message: 'JPY: "0.000" is not a rate: rates are positive' }],
    ['a negative rate', 'Date,USD,\n2024-01-05,-1.09,\n', { line: 2, column: 2, message: 'USD: "-1.09" is not a rate: rates are positive' }],
    ['a rate that is not a number', 'Date,USD,\n2024-01-05,1.09x,\n', { line: 2, column: 2, message: 'USD: "1.09x" is not a rate: a positive decimal such as 1.0921, or N/A' }],
    ['a rate in exponent notation', 'Date,USD,\n2024-01-05,1e3,\n', { line: 2, column: 2, message: 'USD: "1e3" is not a rate: a positive decimal such as 1.0921, or N/A' }],
    ['a rate finer than the column', 'Date,USD,\n2024-01-05,1.00000000001,\n', { line: 2, column: 2, message: 'USD: "1.00000000001" has more than 10 digits before or after the point' }],
    ['more cells than the header', 'Date,USD,\n2024-01-05,1.09,,7\n', { line: 2, column: 4, message: 'the line has 4 cells, more than the header\'s 3' }],
    ['fewer cells than the header', 'Date,USD,JPY,\n2024-01-05,1.09\n', { line: 2, column: 3, message: 'the line has 2 cells, fewer than the header\'s 4: no cell for JPY' }],
    ['a value in the empty last column', 'Date,USD,\n2024-01-05,1.09,2\n', { line: 2, column: 3, message: '"2" is in the header\'s empty last column, which has no currency' }],
    ['a currency in lower case', 'Date,USD,gbp,\n2024-01-05,1.09,0.86,\n', { line: 1, column: 3, message: '"gbp" is not a currency: 3 capital letters (ISO 4217), such as USD' }],
    ['a currency of four letters', 'Date,USDX,\n2024-01-05,1.09,\n', { line: 1, column: 2, message: '"USDX" is not a currency: 3 capital letters (ISO 4217), such as USD' }],
    ['the base as a column', 'Date,EUR,USD,\n2024-01-05,1,1.09,\n', { line: 1, column: 2, message: 'EUR is the base of the rates (1 on every day), not a column' }],
    ['a currency twice', 'Date,USD,GBP,USD,\n2024-01-05,1.09,0.86,1.09,\n', { line: 1, column: 4, message: 'USD is column 2 already' }],
    ['a header without Date', 'Day,USD,\n2024-01-05,1.09,\n', { line: 1, column: 1, message: 'the first column is Date, not "Day"' }],
    ['a day twice', 'Date,USD,\n2024-01-05,1.09,\n2024-01-04,1.08,\n05 January 2024,1.09,\n', { line: 4, column: 1, message: '2024-01-05 is on line 2 already' }],
    ['nothing', '\n\n', { line: 1, column: 1, message: 'the file is empty: it starts with a header, Date,USD,JPY,…' }],
  ])('refuses %s, naming the line and the column', (_, text, problem) => {
    expect(problemsOf(text)).toEqual([problem]);
  });

  it('names every problem of the file in one error, the first ten in its message', () => {
    const rows = Array.from({ length: 12 }, (_, i) => `2024-01-${String(i + 1).padStart(2, '0')},x,`).join('\n');
    let caught: unknown;
    try {
      parseEcbCsv(`Date,USD,\n${rows}\n`);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(EcbCsvError);
    expect((caught as EcbCsvError).problems).toHaveLength(12);
    const lines = (caught as EcbCsvError).message.split('\n');
    expect(lines).toHaveLength(11);
    expect(lines[0]).toBe('line 2, column 2: USD: "x" is not a rate: a positive decimal such as 1.0921, or N/A');
    expect(lines[10]).toBe('… and 2 more');
  });
});

describe('ecbDay', () => {
  it.each([
    ['2024-01-05', '2024-01-05'],
    ['5 January 2024', '2024-01-05'],
    ['29 february 2024', '2024-02-29'],
    ['29 February 2023', undefined],
    ['2024-1-5', undefined],
    ['0000-01-01', undefined],
  ])('%s → %s', (text, day) => expect(ecbDay(text)).toBe(day));
});
