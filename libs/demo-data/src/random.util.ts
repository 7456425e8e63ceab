import { UUID } from 'uuidv7';

/**
 * A deterministic random stream for one entity: the same (seed, kind, index) always
 * gives the same numbers, so every service can re-derive any customer or product of
 * the data set (its id, country, price) without reading another service's database.
 */
export class EntityRandom {
  private state: number;

  constructor(seed: number, kind: string, index: number) {
    let h = 2166136261 ^ seed;
    for (const char of `${kind}:${index}`) h = Math.imul(h ^ char.charCodeAt(0), 16777619);
    this.state = h >>> 0;
  }

  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(minInclusive: number, maxInclusive: number): number {
    return minInclusive + Math.floor(this.next() * (maxInclusive - minInclusive + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Picks by weight: `[[value, weight], ...]`. */
  weighted<T>(choices: ReadonlyArray<readonly [T, number]>): T {
    const total = choices.reduce((sum, [, w]) => sum + w, 0);
    let x = this.next() * total;
    for (const [value, weight] of choices) {
      x -= weight;
      if (x < 0) return value;
    }
    return choices.at(-1)![0];
  }

  /** A UUIDv7 with this timestamp: ids sort by creation, as live ones do. */
  uuidv7(at: Date): string {
    const word = () => Math.floor(this.next() * 2 ** 30);
    return UUID.fromFieldsV7(at.getTime(), word() & 0xfff, word(), word() * 4 + (word() & 3)).toString();
  }
}

/**
 * Skewed picks of one of n indices: a few are picked very often, most rarely
 * (u^skew puts the mass near 0), scattered over 0..n-1 by a fixed permutation so
 * that the busiest customers are not simply the oldest ones.
 */
export class SkewedPicker {
  private readonly multiplier: bigint;

  constructor(
    private readonly n: number,
    private readonly skew: number,
  ) {
    // (a * rank + c) mod n is a permutation of 0..n-1 when a and n are coprime.
    let a = 2654435761 % n || 1;
    while (gcd(a, n) !== 1) a++;
    this.multiplier = BigInt(a);
  }

  pick(random: EntityRandom): number {
    const rank = Math.min(this.n - 1, Math.floor(this.n * random.next() ** this.skew));
    return Number((this.multiplier * BigInt(rank) + 7n) % BigInt(this.n));
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
