/** A client's allowance: `burst` requests at once, refilled at `perSecond`. */
export interface BucketSettings {
  perSecond: number;
  burst: number;
}

/** What one request got from its client's bucket. */
export interface BucketDecision {
  allowed: boolean;
  /** Whole tokens left after this request. */
  remaining: number;
  /** How long until the next token, when refused; 0 when allowed. */
  retryAfterMs: number;
}

/** Where buckets live: this process (MemoryBucketStore) or Redis, shared by the replicas (RedisBucketStore). */
export interface BucketStore {
  /** Takes one token from `key`'s bucket. Never rejects: a store that cannot answer answers from a fallback. */
  take(key: string): Promise<BucketDecision>;
  close(): Promise<void>;
}

interface Bucket {
  tokens: number;
  /** When `tokens` was computed, in the store's clock (ms). */
  at: number;
}

/**
 * The token bucket itself, for one request at `now`: refill for the time since the last
 * request, then take one token if there is one. The Redis store's Lua script is the same
 * arithmetic; keep them together.
 */
export function takeToken(bucket: Bucket | undefined, now: number, { perSecond, burst }: BucketSettings): { bucket: Bucket; decision: BucketDecision } {
  const elapsedMs = bucket ? Math.max(0, now - bucket.at) : 0;
  const tokens = bucket ? Math.min(burst, bucket.tokens + (elapsedMs * perSecond) / 1000) : burst;
  if (tokens >= 1) return { bucket: { tokens: tokens - 1, at: now }, decision: { allowed: true, remaining: Math.floor(tokens - 1), retryAfterMs: 0 } };
  return { bucket: { tokens, at: now }, decision: { allowed: false, remaining: 0, retryAfterMs: Math.ceil(((1 - tokens) * 1000) / perSecond) } };
}

/** How long an untouched bucket takes to fill up again: after that it is the same as no bucket. */
export function fullAfterMs({ perSecond, burst }: BucketSettings): number {
  return Math.ceil((burst * 1000) / perSecond);
}

/** Buckets one process keeps at most; past that the least recently used goes (about 100 bytes each). */
export const MAX_MEMORY_BUCKETS = 100_000;

/**
 * Buckets in this process: exact for one replica, per replica when there are several.
 * The map is kept in least-recently-used order, so that idle buckets (full again, the
 * same as none) are dropped from its front as requests come, and a flood of new client
 * ids cannot grow it past `maxBuckets`.
 */
export class MemoryBucketStore implements BucketStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly idleAfterMs: number;

  constructor(
    private readonly settings: BucketSettings,
    private readonly maxBuckets = MAX_MEMORY_BUCKETS,
    private readonly clock: () => number = () => performance.now(),
  ) {
    this.idleAfterMs = fullAfterMs(settings);
  }

  get size(): number {
    return this.buckets.size;
  }

  takeNow(key: string): BucketDecision {
    const now = this.clock();
    const { bucket, decision } = takeToken(this.buckets.get(key), now, this.settings);
    this.buckets.delete(key);
    this.buckets.set(key, bucket);
    this.evict(now);
    return decision;
  }

  take(key: string): Promise<BucketDecision> {
    return Promise.resolve(this.takeNow(key));
  }

  close(): Promise<void> {
    this.buckets.clear();
    return Promise.resolve();
  }

  private evict(now: number): void {
    // A few per request: enough to keep up with any arrival rate, never a long sweep.
    let looked = 0;
    for (const [key, bucket] of this.buckets) {
      const idle = now - bucket.at >= this.idleAfterMs;
      if (!idle && this.buckets.size <= this.maxBuckets) break;
      this.buckets.delete(key);
      if (++looked >= 4 && this.buckets.size <= this.maxBuckets) break;
    }
  }
}
