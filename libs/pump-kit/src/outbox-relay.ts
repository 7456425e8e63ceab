import { randomUUID } from 'node:crypto';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import type { EventSource, EventType } from '@tributary/contracts';
import { inSpan, linkTo, SpanKind, tracingEnabled, withTraceHeaders } from '@tributary/core';
import type { RawSqlDatabase } from '@tributary/database';
import { connectEventBus, ensureStream, subjectOf, type EventBusSettings } from './event-bus.js';
import type { ReportingStoreClient } from './reporting-store.client.js';

/** An outbox row on its way out: the event as JSON text, as it was written. */
export interface OutboxEvent {
  id: string;
  type: EventType;
  json: string;
  /** The write's trace context, read only when tracing is on. */
  traceparent?: string | null;
}

/** Where a relay sends events. `publish` resolves once every event of the batch is safely received. */
export interface EventPublisher {
  publish(events: readonly OutboxEvent[]): Promise<void>;
  close(): Promise<void>;
}

/** What a relay needs of the service's database. */
export type OutboxDatabase = RawSqlDatabase & { $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number> };

export interface OutboxRelayOptions {
  /** Events per publish. */
  batchSize: number;
  /** Published events are deleted after this long. */
  retentionMs: number;
  /** How long the relay that publishes stays the one after its last pass; another replica takes over after. */
  leaseMs: number;
}

/**
 * Publishes a service's outbox, oldest event first. One relay at a time publishes: the
 * one that holds the lease, renewed on every pass, so replicas of a service can all run
 * one and another takes over within `leaseMs` when the publishing one dies. An event is
 * marked published only once the publisher has it; a relay that dies in between
 * publishes it again, which the broker (message id) and the store (event id) ignore.
 */
export class OutboxRelay {
  readonly holder = randomUUID();

  constructor(
    private readonly db: OutboxDatabase,
    private readonly publisher: EventPublisher,
    private readonly options: OutboxRelayOptions,
  ) {}

  /** One pass: publishes up to a batch of events if this relay holds the lease. Returns how many it published. */
  async relayOnce(): Promise<number> {
    if (!(await this.holdLease())) return 0;
    const rows = await this.db.$queryRawUnsafe<OutboxEvent[]>(
      `SELECT id::text AS id, type, event::text AS json${tracingEnabled() ? `, event->>'traceparent' AS traceparent` : ''} FROM outbox WHERE published_at IS NULL ORDER BY seq LIMIT $1`,
      this.options.batchSize,
    );
    if (rows.length === 0) return 0;
    // Only a pass that publishes is traced: a root span (the relay runs outside any request) linked to each event's write.
    await inSpan('outbox publish', { 'messaging.operation.type': 'send', 'messaging.batch.message_count': rows.length }, async () => {
      await this.publisher.publish(rows);
      await this.db.$executeRawUnsafe(`UPDATE outbox SET published_at = clock_timestamp() WHERE id = ANY($1::uuid[])`, rows.map((row) => row.id));
    }, SpanKind.PRODUCER, () => rows.flatMap((row) => linkTo(row.traceparent ?? undefined) ?? []));
    return rows.length;
  }

  /** Closes the publisher's connection. */
  close(): Promise<void> {
    return this.publisher.close();
  }

  /** Deletes events published longer ago than the retention. Returns how many. */
  prune(): Promise<number> {
    return this.db.$executeRawUnsafe(`DELETE FROM outbox WHERE published_at < clock_timestamp() - $1 * interval '1 millisecond'`, this.options.retentionMs);
  }

  /** Events written and not yet published, and how old the oldest is. */
  async backlog(): Promise<{ events: number; oldestSeconds: number | null }> {
    const [row] = await this.db.$queryRawUnsafe<Array<{ events: bigint; oldest: number | null }>>(
      `SELECT count(*) AS events, extract(epoch FROM clock_timestamp() - min(created_at))::float8 AS oldest FROM outbox WHERE published_at IS NULL`,
    );
    return { events: Number(row!.events), oldestSeconds: row!.oldest };
  }

  private async holdLease(): Promise<boolean> {
    const held = await this.db.$queryRawUnsafe<unknown[]>(
      `INSERT INTO outbox_relay_lease AS lease (name, holder, expires_at) VALUES ('relay', $1, clock_timestamp() + $2 * interval '1 millisecond')
       ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at
       WHERE lease.holder = excluded.holder OR lease.expires_at < clock_timestamp()
       RETURNING holder`,
      this.holder,
      this.options.leaseMs,
    );
    return held.length === 1;
  }
}

/**
 * Publishes to NATS JetStream, each event with its id as `Nats-Msg-Id`, and waits for
 * every acknowledgement. A publish issued while the client reconnects is dropped by the
 * client and times out: the relay then publishes the batch again.
 */
export class NatsEventPublisher implements EventPublisher {
  private connection?: Promise<{ nc: NatsConnection; js: JetStreamClient }>;

  constructor(
    private readonly bus: EventBusSettings & { natsUrl: string },
    private readonly source: EventSource,
    private readonly publishTimeoutMs = 2000,
  ) {}

  async publish(events: readonly OutboxEvent[]): Promise<void> {
    const { js } = await this.connected();
    const traced = tracingEnabled();
    await Promise.all(
      events.map((event) =>
        js.publish(subjectOf(this.bus, this.source, event.type), event.json, { msgID: event.id, timeout: this.publishTimeoutMs, headers: traced ? traceHeadersOf(event) : undefined }),
      ),
    );
  }

  async close(): Promise<void> {
    const connection = await this.connection?.catch(() => undefined);
    await connection?.nc.drain().catch(() => undefined);
  }

  private connected(): Promise<{ nc: NatsConnection; js: JetStreamClient }> {
    this.connection ??= (async () => {
      const nc = await connectEventBus(this.bus.natsUrl, `${this.source} outbox relay`);
      try {
        await ensureStream(await jetstreamManager(nc), this.bus, this.source);
      } catch (error) {
        await nc.close();
        throw error;
      }
      return { nc, js: jetstream(nc) };
    })();
    // A first connection that failed is tried again on the next pass.
    this.connection.catch(() => (this.connection = undefined));
    return this.connection;
  }
}

/**
 * A message's traceparent header: the write's context, as the event carries it, so a
 * consumer that reads headers only links to the write; the publish span's when the
 * event has none (written before tracing was on).
 */
function traceHeadersOf(event: OutboxEvent) {
  const carried = natsHeaders();
  const traceparent = event.traceparent ?? withTraceHeaders({}).traceparent;
  if (traceparent) carried.set('traceparent', traceparent);
  return carried;
}

/** With no broker: each batch goes straight into the reporting store, which applies it as it applies what a broker delivers. */
export class StoreEventPublisher implements EventPublisher {
  constructor(private readonly store: Pick<ReportingStoreClient, 'applyEvents'>) {}

  async publish(events: readonly OutboxEvent[]): Promise<void> {
    await this.store.applyEvents(events.map((event) => event.json));
  }

  async close(): Promise<void> {}
}
