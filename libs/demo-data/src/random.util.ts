import { UUID } from 'uuidv7';

/**
 * A deterministic random stream for one entity: the same (seed, kind, index) always
 * gives the same numbers, so every service can re-derive any customer or product of
 * the data set (its id, country, price) without reading another service's database.
 */
export class EntityRandom {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number, kind: string, index: number) {
    // sfc32 with a 128-bit state of (seed, kind, index): distinct entities get distinct
    // states, never the colliding 32-bit seeds that would give two orders one id.
    let kindHash = 2166136261;
    for (const char of kind) kindHash = Math.imul(kindHash ^ char.charCodeAt(0), 16777619);
    this.a = seed | 0;
    this.b = kindHash | 0;
    this.c = index | 0;
    this.d = Math.floor(index / 2 ** 32) | 0;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** sfc32: uniform in [0, 1). */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
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
 * Skewed picks of one of n indices, as customers and products are picked in a shop:
 * a truncated exponential over rank (density ∝ e^(-λ·rank/n)) gives a busy head and a
 * long tail that is picked once or never, scattered over 0..n-1 by a fixed
 * permutation so that the busiest customers are not simply the oldest ones.
 */
export class SkewedPicker {
  private readonly multiplier: bigint;
  private readonly tailMass: number;

  constructor(
    private readonly n: number,
    private readonly lambda: number,
  ) {
    // (a * rank + c) mod n is a permutation of 0..n-1 when a and n are coprime.
    let a = 2654435761 % n || 1;
    while (gcd(a, n) !== 1) a++;
    this.multiplier = BigInt(a);
    this.tailMass = 1 - Math.exp(-lambda);
  }

  pick(random: EntityRandom): number {
    const position = -Math.log(1 - random.next() * this.tailMass) / this.lambda;
    const rank = Math.min(this.n - 1, Math.floor(this.n * position));
    return Number((this.multiplier * BigInt(rank) + 7n) % BigInt(this.n));
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
