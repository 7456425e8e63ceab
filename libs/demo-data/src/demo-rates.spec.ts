import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_DATA } from './demo-data.js';
import { DEMO_RATE_CENTRES, demoRateCount, demoRates } from './demo-rates.js';

describe('demoRates', () => {
  const rates = [...demoRates(DEFAULT_DEMO_DATA)];

  it('is the same for the same spec, and another walk for another seed', () => {
    expect([...demoRates({ ...DEFAULT_DEMO_DATA, until: new Date(DEFAULT_DEMO_DATA.until) })]).toEqual(rates);
    const other = [...demoRates({ ...DEFAULT_DEMO_DATA, seed: DEFAULT_DEMO_DATA.seed + 1 })];
    expect(other.map((rate) => rate.id)).toEqual(rates.map((rate) => rate.id));
    expect(other.map((rate) => rate.rate)).not.toEqual(rates.map((rate) => rate.rate));
  });

  it('has every currency on every weekday of the three years before until, and none on a weekend', () => {
    expect(rates).toHaveLength(demoRateCount(DEFAULT_DEMO_DATA));
    for (const currency of Object.keys(DEMO_RATE_CENTRES)) {
      const days = rates.filter((rate) => rate.currency === currency).map((rate) => rate.date);
      // 2023-11-01 (a Wednesday) to 2026-10-30 (the Friday before until, a Sunday).
      expect([days[0], days.at(-1), days.length]).toEqual(['2023-11-01', '2026-10-30', 783]);
    }
    expect(rates.filter((rate) => [0, 6].includes(new Date(rate.date).getUTCDay()))).toEqual([]);
    expect(new Set(rates.map((rate) => rate.id)).size).toBe(rates.length);
  });

  it('walks around the fixed demo rates, with 4 decimals, written at the publication time of its day, before until', () => {
    for (const rate of rates) {
      const centre = DEMO_RATE_CENTRES[rate.currency]!;
      expect(rate.rate).toMatch(/^\d+\.\d{4}$/);
      expect(Math.abs(Number(rate.rate) / centre - 1)).toBeLessThan(0.1);
      expect(rate.updatedAt.toISOString()).toBe(`${rate.date}T15:00:00.000Z`);
      expect(rate.source).toBe('demo');
    }
    expect(Math.max(...rates.map((rate) => rate.updatedAt.getTime()))).toBeLessThan(DEFAULT_DEMO_DATA.until.getTime());
    // It moves: most days differ from the day before.
    const usd = rates.filter((rate) => rate.currency === 'USD').map((rate) => rate.rate);
    expect(usd.filter((rate, i) => i > 0 && rate !== usd[i - 1]!).length).toBeGreaterThan(usd.length * 0.9);
  });
});
