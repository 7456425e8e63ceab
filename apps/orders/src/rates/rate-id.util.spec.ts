import { describe, expect, it } from 'vitest';
import { malformedRateId, parseRateId } from './rate-id.util.js';

describe('rate ids', () => {
  it('are a day of the calendar and three capital letters', () => {
    expect(parseRateId('2026-01-03:USD')).toEqual({ date: '2026-01-03', currency: 'USD' });
    expect(malformedRateId('2026-01-03:USD')).toBeUndefined();
    expect(malformedRateId('2026-02-30:USD')).toBe('names no day of the calendar: 2026-02-30');
    for (const id of ['2026-01-03:usd', '2026-01-03', 'USD', '2026-01-03:USDX', ' 2026-01-03:USD', '2026-1-3:USD']) {
      expect({ id, problem: malformedRateId(id) }).toEqual({ id, problem: 'must be a day and a currency, YYYY-MM-DD:CUR, such as 2026-01-05:USD' });
    }
  });
});
