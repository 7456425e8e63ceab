import { describe, expect, it } from 'vitest';
import { DEFAULT_DEMO_DATA } from './demo-data.js';
import { demoDataArgs, demoDataSpecFromArgs } from './demo-data-args.js';

describe('demoDataSpecFromArgs', () => {
  it('is the demo data set without flags, and reads back what demoDataArgs writes', () => {
    expect(demoDataSpecFromArgs([])).toEqual(DEFAULT_DEMO_DATA);
    const spec = { customers: 12, products: 3, orders: 0, seed: 9, until: new Date('2025-01-01T00:00:00Z') };
    expect(demoDataSpecFromArgs(demoDataArgs(spec))).toEqual(spec);
  });

  it.each([
    [['--customers', '0'], '--customers must be an integer from 1 to 10000000, got "0"'],
    [['--orders', '2.5'], '--orders must be an integer from 0 to 50000000, got "2.5"'],
    [['--orders', '1e3'], '--orders must be an integer from 0 to 50000000, got "1e3"'],
    [['--until', 'soon'], '--until must be an ISO-8601 date, got "soon"'],
  ])('refuses %j naming the flag and its limits', (args, message) => {
    expect(() => demoDataSpecFromArgs(args)).toThrow(message);
  });
});
