import { describe, expect, it } from 'vitest';
import { rateLimitConfigFromEnv } from './rate-limit.config.js';
import { MemoryBucketStore, takeToken } from './token-bucket.js';

const SETTINGS = { perSecond: 2, burst: 3 };

describe('takeToken', () => {
  it('gives a new client its burst, then refuses with the time until the next token', () => {
    let bucket;
    const decisions = [];
    for (let i = 0; i < 4; i++) {
      const step = takeToken(bucket, 1000, SETTINGS);
      bucket = step.bucket;
      decisions.push(step.decision);
    }
    expect(decisions).toEqual([
      { allowed: true, remaining: 2, retryAfterMs: 0 },
      { allowed: true, remaining: 1, retryAfterMs: 0 },
      { allowed: true, remaining: 0, retryAfterMs: 0 },
      { allowed: false, remaining: 0, retryAfterMs: 500 },
    ]);
  });

  it('refills at perSecond, never past the burst', () => {
    const empty = { tokens: 0, at: 0 };
    expect(takeToken(empty, 250, SETTINGS).decision).toEqual({ allowed: false, remaining: 0, retryAfterMs: 250 });
    expect(takeToken(empty, 500, SETTINGS).decision).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
    expect(takeToken(empty, 60_000, SETTINGS).decision).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
    // A clock that steps back refills nothing.
    expect(takeToken({ tokens: 0.5, at: 1000 }, 900, SETTINGS).bucket).toEqual({ tokens: 0.5, at: 900 });
  });
});

describe('MemoryBucketStore', () => {
  it('keeps one bucket per key: one client over its rate leaves the others alone', () => {
    const store = new MemoryBucketStore(SETTINGS, 100, () => 0);
    for (let i = 0; i < 3; i++) expect(store.takeNow('a').allowed).toBe(true);
    expect(store.takeNow('a').allowed).toBe(false);
    expect(store.takeNow('b')).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
  });

  it('drops buckets that have filled up again, as requests come', () => {
    let now = 0;
    const store = new MemoryBucketStore(SETTINGS, 100, () => now);
    for (let i = 0; i < 10; i++) store.takeNow(`idle-${i}`);
    expect(store.size).toBe(10);
    // 3 tokens at 2 per second: full again after 1.5 s.
    now = 1500;
    for (let i = 0; i < 3; i++) store.takeNow('busy');
    expect(store.size).toBeLessThan(10);
    for (let i = 0; i < 3; i++) store.takeNow('busy');
    expect(store.size).toBe(1);
  });

  it('never holds more than its bound, however many new clients come at once', () => {
    const store = new MemoryBucketStore(SETTINGS, 50, () => 0);
    for (let i = 0; i < 1000; i++) store.takeNow(`client-${i}`);
    expect(store.size).toBe(50);
    // The most recent ones stay: the newest client still has its partly spent bucket.
    store.takeNow('client-999');
    expect(store.takeNow('client-999')).toEqual({ allowed: true, remaining: 0, retryAfterMs: 0 });
  });
});

describe('rateLimitConfigFromEnv', () => {
  it('is on by default, in memory, generous; RATE_LIMIT=off turns it off', () => {
    expect(rateLimitConfigFromEnv({})).toEqual({ perSecond: 100, burst: 2000, redisUrl: null, keyPrefix: 'tributary:rate-limit:', redisTimeoutMs: 100 });
    expect(rateLimitConfigFromEnv({ RATE_LIMIT: 'off' })).toBeNull();
    expect(rateLimitConfigFromEnv({ RATE_LIMIT_PER_SECOND: '5', RATE_LIMIT_BURST: '10', REDIS_URL: 'redis://redis:6379' })).toMatchObject({ perSecond: 5, burst: 10, redisUrl: 'redis://redis:6379' });
  });

  it.each([
    [{ RATE_LIMIT_PER_SECOND: '0' }, 'RATE_LIMIT_PER_SECOND must be an integer from 1'],
    [{ RATE_LIMIT_BURST: 'lots' }, 'RATE_LIMIT_BURST must be an integer from 1'],
    [{ REDIS_URL: 'localhost:6379' }, 'REDIS_URL must be a redis:// or rediss:// URL'],
    [{ RATE_LIMIT: 'sometimes' }, 'RATE_LIMIT must be on or off'],
  ])('refuses %j at boot, naming the variable', (env, message) => {
    expect(() => rateLimitConfigFromEnv(env)).toThrow(message);
  });
});
