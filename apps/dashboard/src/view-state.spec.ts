import { describe, expect, it } from 'vitest';
import { customPeriodProblem, DEFAULT_MAX_STALENESS, monthsOf, parseViewState, periodOf, toSearch, type ViewState } from './view-state.js';

const TODAY = new Date('2026-12-03T17:00:00Z');

describe('the view in the URL', () => {
  it('defaults to the last 12 months with orders, in EUR, with the gateway’s default staleness', () => {
    expect(parseViewState('')).toEqual({ preset: 'latest-year', from: null, to: null, currency: 'EUR', maxStaleness: DEFAULT_MAX_STALENESS, customer: null });
  });

  it('gives back what it wrote, so that a shared link opens the same view', () => {
    const views: ViewState[] = [
      { preset: 'custom', from: '2026-01-01', to: '2026-07-01', currency: null, maxStaleness: 0, customer: '018b9b6d-6640-7111-a22f-1be629e1e566' },
      { preset: 'last-year', from: null, to: null, currency: 'GBP', maxStaleness: 3600, customer: null },
    ];
    for (const view of views) expect(parseViewState(toSearch(view))).toEqual(view);
    expect(toSearch(views[0]!)).toBe('?period=custom&from=2026-01-01&to=2026-07-01&currency=per-currency&maxStaleness=0&customer=018b9b6d-6640-7111-a22f-1be629e1e566');
  });

  it('takes a range without `period` as custom, and drops what it cannot use', () => {
    expect(parseViewState('?from=2025-11-01&to=2026-11-01')).toMatchObject({ preset: 'custom', from: '2025-11-01', to: '2026-11-01' });
    expect(parseViewState('?period=yesterday&from=2025-13-01&currency=JPY&maxStaleness=-1')).toEqual(parseViewState(''));
    expect(parseViewState('?maxStaleness=1.5').maxStaleness).toBe(DEFAULT_MAX_STALENESS);
    expect(parseViewState('?from=2025-02-30&to=2025-03-01').preset).toBe('latest-year');
  });
});

describe('periods, from inclusive to exclusive, in UTC days', () => {
  it.each([
    ['last-30-days', { from: '2026-11-04', to: '2026-12-04' }],
    ['this-year', { from: '2026-01-01', to: '2026-12-04' }],
    ['last-year', { from: '2025-01-01', to: '2026-01-01' }],
  ] as const)('%s, today included', (preset, period) => {
    expect(periodOf(preset, TODAY)).toEqual(period);
  });

  it('latest-year: the twelve whole months up to the latest month with orders, else up to today’s', () => {
    expect(periodOf('latest-year', TODAY, '2026-10')).toEqual({ from: '2025-11-01', to: '2026-11-01' });
    expect(periodOf('latest-year', TODAY, '2026-01')).toEqual({ from: '2025-02-01', to: '2026-02-01' });
    expect(periodOf('latest-year', TODAY)).toEqual({ from: '2026-01-01', to: '2027-01-01' });
  });

  it('a custom range needs both days, the end after the start', () => {
    expect(customPeriodProblem('2026-01-01', '2026-02-01')).toBeNull();
    expect(customPeriodProblem('2026-01-01', null)).toBe('Choose both days of the custom range.');
    expect(customPeriodProblem('2026-02-01', '2026-02-01')).toBe('The end of the period must be after its start.');
  });

  it('the months a chart shows: every month the period touches', () => {
    expect(monthsOf({ from: '2025-11-01', to: '2026-02-01' })).toEqual(['2025-11', '2025-12', '2026-01']);
    expect(monthsOf({ from: '2026-11-04', to: '2026-12-04' })).toEqual(['2026-11', '2026-12']);
  });
});
