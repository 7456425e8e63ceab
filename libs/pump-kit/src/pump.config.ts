import { ConfigError, integerFromEnv, switchFromEnv, type Env } from '@tributary/core';

export interface PumpConfig {
  /** The reporting app, where pumps deliver. */
  reportingUrl: string;
  /** Run the service's pumps on a schedule inside the service process. */
  scheduled: boolean;
  /** Pause between two runs that found nothing to deliver. */
  intervalMs: number;
  /** Rows per delivered batch. */
  pageSize: number;
}

/**
 * `REPORTING_URL` (http://localhost:4004), `PUMP_SCHEDULE` (on), `PUMP_INTERVAL_MS` (1000),
 * `PUMP_PAGE_SIZE` (5000).
 */
export function pumpConfigFromEnv(env: Env): PumpConfig {
  const reportingUrl = env.REPORTING_URL ?? 'http://localhost:4004';
  if (!/^https?:\/\//.test(reportingUrl)) throw new ConfigError('REPORTING_URL must be an http:// or https:// URL');
  return {
    reportingUrl,
    scheduled: switchFromEnv(env, 'PUMP_SCHEDULE', true),
    intervalMs: integerFromEnv(env, 'PUMP_INTERVAL_MS', 1000, 10, 3_600_000),
    pageSize: integerFromEnv(env, 'PUMP_PAGE_SIZE', 5000, 1, 50_000),
  };
}
