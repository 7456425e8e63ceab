import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { csvField } from './export-formats.js';

describe('csvField', () => {
  it('quotes what RFC 4180 says to, and a CSV reader reads back every value as it was', () => {
    const values = ['plain', 'with, comma', 'with "quotes"', 'two\r\nlines', 'line\nfeed', '', 'naïve café ✓', '"'];
    const line = `${values.map(csvField).join(',')}\r\n`;
    expect(line.startsWith('plain,"with, comma","with ""quotes""","two\r\nlines"')).toBe(true);
    expect(parse(line)).toEqual([values]);
  });

  it('writes null as an empty field and numbers as they are', () => {
    expect([null, undefined, 0, 1234567890123, '42'].map(csvField)).toEqual(['', '', '0', '1234567890123', '42']);
  });
});
