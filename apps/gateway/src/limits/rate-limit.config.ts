import { ConfigError, integerFromEnv, switchFromEnv, type Env } from '@tributary/core';
import type { BucketSettings } from './token-bucket.js';

export interface RateLimitConfig extends BucketSettings {
  /** Buckets shared by the replicas in this Redis; null: in this process's memory. */
  redisUrl: string | null;
  /** Prefix of the bucket keys in Redis, so that several deployments can share one. */
  keyPrefix: string;
  /** The longest a request waits for Redis before this replica's own bucket answers. */
  redisTimeoutMs: number;
}

/**
 * Generous by default: one client (the benchmark, a dashboard over several tabs) sends far
 * fewer in development; a production deployment sets its own.
 */
export const RATE_LIMIT_DEFAULTS = { perSecond: 100, burst: 2000, keyPrefix: 'tributary:rate-limit:', redisTimeoutMs: 100 } as const;

/**
 * `RATE_LIMIT` (on; off: no limit), `RATE_LIMIT_PER_SECOND` (100: the refill),
 * `RATE_LIMIT_BURST` (2000: the bucket's size), `REDIS_URL` (unset: in memory),
 * `RATE_LIMIT_REDIS_PREFIX` (tributary:rate-limit:), `RATE_LIMIT_REDIS_TIMEOUT_MS` (100).
 */
export function rateLimitConfigFromEnv(env: Env): RateLimitConfig | null {
  if (!switchFromEnv(env, 'RATE_LIMIT', true)) return null;
  const redisUrl = env.REDIS_URL || null;
  if (redisUrl !== null && !/^rediss?:\/\/[^/]/.test(redisUrl)) throw new ConfigError(`REDIS_URL must be a redis:// or rediss:// URL such as redis://127.0.0.1:6379, got ${JSON.stringify(redisUrl)}`);
  return {
    perSecond: integerFromEnv(env, 'RATE_LIMIT_PER_SECOND', RATE_LIMIT_DEFAULTS.perSecond, 1, 1_000_000),
    burst: integerFromEnv(env, 'RATE_LIMIT_BURST', RATE_LIMIT_DEFAULTS.burst, 1, 10_000_000),
    redisUrl,
    keyPrefix: env.RATE_LIMIT_REDIS_PREFIX ?? RATE_LIMIT_DEFAULTS.keyPrefix,
    redisTimeoutMs: integerFromEnv(env, 'RATE_LIMIT_REDIS_TIMEOUT_MS', RATE_LIMIT_DEFAULTS.redisTimeoutMs, 5, 10_000),
  };
}
