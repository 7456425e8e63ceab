import { describe, expect, it } from 'vitest';
import { monthsOf, rowsOf } from './query-cost.plugin.js';

const at = (iso: string) => new Date(iso);

describe('monthsOf', () => {
  it.each([
    ['a calendar year', '2026-01-01T00:00:00Z', '2027-01-01T00:00:00Z', 12],
    ['one instant', '2026-03-15T10:00:00Z', '2026-03-15T10:00:00.001Z', 1],
    ['a period across a month end', '2026-01-31T00:00:00Z', '2026-02-02T00:00:00Z', 2],
    ['a period ending just after a month starts', '2026-01-01T00:00:00Z', '2026-02-01T00:00:00.001Z', 2],
    ['an empty period', '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1],
    ['a reversed period', '2027-01-01T00:00:00Z', '2026-01-01T00:00:00Z', 1],
    ['an invalid date', 'not a date', '2026-01-01T00:00:00Z', 1],
  ])('%s', (_, from, to, months) => {
    expect(monthsOf(at(from), at(to))).toBe(months);
  });
});

describe('rowsOf', () => {
  it.each<[string, string, Record<string, unknown>, number]>([
    ['a page size', 'Query.orders', { first: 250 }, 250],
    ['a limit', 'Reports.topCustomers', { limit: 40 }, 40],
    ['ids', 'Query.customers', { ids: ['a', 'b', 'c'] }, 3],
    ['no size: one row', 'Order.lines', {}, 1],
    ['a null size: one row', 'Query.orders', { first: null }, 1],
    ['a monthly report: its months', 'Reports.salesByMonth', { from: at('2026-01-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z') }, 3],
    ['salesByCategory by month: its months', 'Reports.salesByCategory', { from: at('2026-01-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z'), groupBy: 'MONTH' }, 3],
    ['salesByCategory not grouped: one row', 'Reports.salesByCategory', { from: at('2026-01-01T00:00:00Z'), to: at('2026-04-01T00:00:00Z'), groupBy: 'NONE' }, 1],
  ])('%s', (_, coordinate, args, rows) => {
    expect(rowsOf(coordinate, args)).toBe(rows);
  });
});
