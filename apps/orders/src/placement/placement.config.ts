import { baseUrlFromEnv, ConfigError, integerFromEnv, type Env } from '@tributary/core';

/** Where the orchestrator may be made to kill its own process (kill -9), for the crash tests. */
export const PLACEMENT_CRASH_POINTS = [
  // After a step's call answered, before its outcome is recorded: on restart the step runs again.
  'checkCustomer:answered',
  'reserveStock:answered',
  'commitStock:answered',
  'releaseStock:answered',
  // Right after a state change committed.
  'CUSTOMER_CHECKED:recorded',
  'STOCK_RESERVED:recorded',
  'COMPENSATING:recorded',
] as const;
export type PlacementCrashPoint = (typeof PLACEMENT_CRASH_POINTS)[number];

export interface PlacementConfig {
  customersUrl: string;
  catalogUrl: string;
  /** A placement not confirmed this long after it was requested is compensated. */
  deadlineMs: number;
  /** How long one call to a service may take before it counts as a transient failure. */
  callTimeoutMs: number;
  /** The first retry's delay; each next one doubles, up to the maximum, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** How long a claimed placement is this instance's before another may take it (a crashed instance's, after a restart). */
  leaseMs: number;
  /** Placements worked on at once. */
  concurrency: number;
  /** How often the orchestrator looks for due work when nothing woke it. */
  pollMs: number;
  /** Tests only: kill the process at this point, once. */
  crashAt: PlacementCrashPoint | null;
}

/**
 * `CUSTOMERS_URL` (http://localhost:4001), `CATALOG_URL` (http://localhost:4003): the
 * services the orchestrator calls; `PLACEMENT_DEADLINE_MS` (60000),
 * `PLACEMENT_CALL_TIMEOUT_MS` (5000), `PLACEMENT_RETRY_BASE_MS` (250),
 * `PLACEMENT_RETRY_MAX_MS` (10000), `PLACEMENT_LEASE_MS` (30000),
 * `PLACEMENT_CONCURRENCY` (16), `PLACEMENT_POLL_MS` (500); `PLACEMENT_CRASH_AT` (tests
 * only, refused in production).
 */
export function placementConfigFromEnv(env: Env = process.env): PlacementConfig {
  const crashAt = env.PLACEMENT_CRASH_AT || null;
  if (crashAt !== null && !(PLACEMENT_CRASH_POINTS as readonly string[]).includes(crashAt)) {
    throw new ConfigError(`PLACEMENT_CRASH_AT must be one of ${PLACEMENT_CRASH_POINTS.join(', ')}, got ${JSON.stringify(crashAt)}`);
  }
  if (crashAt !== null && env.NODE_ENV === 'production') throw new ConfigError('PLACEMENT_CRASH_AT is a test hook: it is refused when NODE_ENV=production');
  const callTimeoutMs = integerFromEnv(env, 'PLACEMENT_CALL_TIMEOUT_MS', 5000, 10, 600_000);
  const leaseMs = integerFromEnv(env, 'PLACEMENT_LEASE_MS', 30_000, 100, 3_600_000);
  if (leaseMs <= callTimeoutMs) throw new ConfigError(`PLACEMENT_LEASE_MS (${leaseMs}) must be longer than PLACEMENT_CALL_TIMEOUT_MS (${callTimeoutMs}): a lease covers one call`);
  return {
    customersUrl: baseUrlFromEnv(env, 'CUSTOMERS_URL', 'http://localhost:4001'),
    catalogUrl: baseUrlFromEnv(env, 'CATALOG_URL', 'http://localhost:4003'),
    deadlineMs: integerFromEnv(env, 'PLACEMENT_DEADLINE_MS', 60_000, 100, 7 * 24 * 3_600_000),
    callTimeoutMs,
    retryBaseMs: integerFromEnv(env, 'PLACEMENT_RETRY_BASE_MS', 250, 1, 600_000),
    retryMaxMs: integerFromEnv(env, 'PLACEMENT_RETRY_MAX_MS', 10_000, 1, 3_600_000),
    leaseMs,
    concurrency: integerFromEnv(env, 'PLACEMENT_CONCURRENCY', 16, 1, 256),
    pollMs: integerFromEnv(env, 'PLACEMENT_POLL_MS', 500, 10, 60_000),
    crashAt: crashAt as PlacementCrashPoint | null,
  };
}
