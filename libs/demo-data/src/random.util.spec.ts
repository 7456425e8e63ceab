import { describe, expect, it } from 'vitest';
import { EntityRandom, SkewedPicker } from './random.util.js';

describe('EntityRandom', () => {
  it('gives every entity of a million its own id, and the same one every time', () => {
    const at = new Date('2026-01-01T00:00:00Z');
    const ids = new Set<string>();
    for (let i = 0; i < 1_000_000; i++) ids.add(new EntityRandom(1, 'order', i).uuidv7(at));
    expect(ids.size).toBe(1_000_000);
    expect(new EntityRandom(1, 'order', 5).uuidv7(at)).toBe(new EntityRandom(1, 'order', 5).uuidv7(at));
    expect(new EntityRandom(1, 'order', 5).uuidv7(at)).not.toBe(new EntityRandom(1, 'customer', 5).uuidv7(at));
  });

  it('is uniform enough: ten buckets within 2% of a tenth each', () => {
    const buckets = new Array<number>(10).fill(0);
    for (let i = 0; i < 100_000; i++) buckets[Math.floor(new EntityRandom(3, 'x', i).next() * 10)]!++;
    for (const count of buckets) expect(Math.abs(count - 10_000)).toBeLessThan(200);
  });
});

describe('SkewedPicker', () => {
  it('picks every index in range, the busiest tenth far more often than the rest', () => {
    const picker = new SkewedPicker(1000, 6);
    const counts = new Array<number>(1000).fill(0);
    for (let i = 0; i < 100_000; i++) counts[picker.pick(new EntityRandom(9, 'pick', i))]!++;
    const sorted = [...counts].sort((a, b) => b - a);
    expect(counts.reduce((s, n) => s + n, 0)).toBe(100_000);
    expect(sorted.slice(0, 100).reduce((s, n) => s + n, 0)).toBeGreaterThan(40_000);
  });
});
