import { ConfigError, integerFromEnv, switchFromEnv, type Env } from '@tributary/core';
import { eventBusFromEnv, type EventBusSettings } from './event-bus.js';

export interface PumpConfig {
  /** The reporting app, where pumps deliver. */
  reportingUrl: string;
  /** Run the service's pumps (and its outbox relay) on a schedule inside the service process. */
  scheduled: boolean;
  /** Run the batch pump on that schedule (on start, then every `intervalMs`). */
  batch: boolean;
  /** Pause between two batch-pump runs that found nothing to deliver. */
  intervalMs: number;
  /** Rows per delivered batch. */
  pageSize: number;
  /** The event pump's sending half: the outbox relay. */
  events: EventRelayConfig;
}

export interface EventRelayConfig {
  /** Publish the outbox (through NATS with `bus.natsUrl`, else straight into the store). */
  relay: boolean;
  bus: EventBusSettings;
  /** Pause between two relay passes that found the outbox empty. */
  intervalMs: number;
  batchSize: number;
  /** How long published events stay in the outbox. */
  retentionMs: number;
  /** How long a relay replica stays the publishing one after its last pass. */
  leaseMs: number;
}

/**
 * `REPORTING_URL` (http://localhost:4004), `PUMP_SCHEDULE` (on), `PUMP_BATCH` (on), `PUMP_INTERVAL_MS`,
 * `PUMP_PAGE_SIZE` (5000); the outbox relay's `EVENT_RELAY` (on), `EVENT_RELAY_INTERVAL_MS`
 * (100), `EVENT_RELAY_BATCH` (500), `OUTBOX_RETENTION_MS` (3600000), `OUTBOX_LEASE_MS`
 * (3000) and the broker's settings (eventBusFromEnv). With the relay on, events carry the
 * steady state and the batch pump is the catch-up and repair path: it runs on start, then
 * every 30 s (`PUMP_INTERVAL_MS`); with the relay off, every second.
 */
export function pumpConfigFromEnv(env: Env): PumpConfig {
  const reportingUrl = env.REPORTING_URL ?? 'http://localhost:4004';
  if (!/^https?:\/\//.test(reportingUrl)) throw new ConfigError('REPORTING_URL must be an http:// or https:// URL');
  const relay = switchFromEnv(env, 'EVENT_RELAY', true);
  return {
    reportingUrl,
    scheduled: switchFromEnv(env, 'PUMP_SCHEDULE', true),
    batch: switchFromEnv(env, 'PUMP_BATCH', true),
    intervalMs: integerFromEnv(env, 'PUMP_INTERVAL_MS', relay ? 30_000 : 1000, 10, 3_600_000),
    pageSize: integerFromEnv(env, 'PUMP_PAGE_SIZE', 5000, 1, 50_000),
    events: {
      relay,
      bus: eventBusFromEnv(env),
      intervalMs: integerFromEnv(env, 'EVENT_RELAY_INTERVAL_MS', 100, 1, 60_000),
      batchSize: integerFromEnv(env, 'EVENT_RELAY_BATCH', 500, 1, 10_000),
      retentionMs: integerFromEnv(env, 'OUTBOX_RETENTION_MS', 3_600_000, 0, 30 * 86_400_000),
      leaseMs: integerFromEnv(env, 'OUTBOX_LEASE_MS', 3000, 100, 600_000),
    },
  };
}
