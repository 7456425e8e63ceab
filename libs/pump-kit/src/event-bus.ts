import { connect, nanos, type NatsConnection } from '@nats-io/transport-node';
import { JetStreamApiCodes, JetStreamApiError, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import type { EventSource, EventType } from '@tributary/contracts';
import { ConfigError, type Env } from '@tributary/core';

/**
 * Where domain events travel. With a NATS URL, through JetStream: one stream per
 * service (`<STREAM_PREFIX>_<SERVICE>`), one subject per event type
 * (`<subject prefix>.<service>.<type>`, such as `tributary.orders.order.updated.v1`).
 * Without one (the embedded default), each relay delivers straight into the store.
 */
export interface EventBusSettings {
  natsUrl: string | null;
  streamPrefix: string;
  subjectPrefix: string;
}

/** `NATS_URL` (unset: no broker), `NATS_STREAM_PREFIX` (TRIBUTARY), `NATS_SUBJECT_PREFIX` (tributary). */
export function eventBusFromEnv(env: Env): EventBusSettings {
  const natsUrl = env.NATS_URL || null;
  if (natsUrl !== null && !/^(nats|tls):\/\/[^/]+$/.test(natsUrl)) throw new ConfigError(`NATS_URL must be a nats:// URL such as nats://127.0.0.1:4222, got ${JSON.stringify(natsUrl)}`);
  const streamPrefix = env.NATS_STREAM_PREFIX ?? 'TRIBUTARY';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(streamPrefix)) throw new ConfigError(`NATS_STREAM_PREFIX must be letters, digits, _ or -, got ${JSON.stringify(streamPrefix)}`);
  const subjectPrefix = env.NATS_SUBJECT_PREFIX ?? 'tributary';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(subjectPrefix)) throw new ConfigError(`NATS_SUBJECT_PREFIX must be letters, digits, _ or -, got ${JSON.stringify(subjectPrefix)}`);
  return { natsUrl, streamPrefix, subjectPrefix };
}

export const streamOf = (bus: EventBusSettings, source: EventSource) => `${bus.streamPrefix}_${source.toUpperCase()}`;
export const subjectOf = (bus: EventBusSettings, source: EventSource, type: EventType) => `${bus.subjectPrefix}.${source}.${type}`;

/** The broker drops a message whose id it has stored within this window: a relay that publishes a batch again adds nothing. */
const DUPLICATE_WINDOW_MS = 120_000;

/**
 * A connection that outlives the server: when NATS restarts, the client reconnects on
 * its own, forever, and a running consumer resumes. The first connection fails fast
 * when the server is down, so a relay or consumer retries it on its own schedule.
 */
export function connectEventBus(natsUrl: string, name: string): Promise<NatsConnection> {
  return connect({ servers: natsUrl, name, maxReconnectAttempts: -1, reconnectTimeWait: 500, reconnectJitter: 100, timeout: 3000 });
}

/** Creates the service's stream, or brings an existing one to this configuration. */
export async function ensureStream(jsm: JetStreamManager, bus: EventBusSettings, source: EventSource): Promise<void> {
  const config = { name: streamOf(bus, source), subjects: [`${bus.subjectPrefix}.${source}.>`], storage: StorageType.File, duplicate_window: nanos(DUPLICATE_WINDOW_MS) };
  try {
    const info = await jsm.streams.info(config.name);
    await jsm.streams.update(config.name, { ...info.config, ...config });
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound)) throw error;
    await jsm.streams.add(config);
  }
}
