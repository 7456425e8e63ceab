import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, JetStreamApiCodes, JetStreamApiError, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { EVENT_SOURCES, type EventSource } from '@tributary/contracts';
import { tracingEnabled } from '@tributary/core';
import { connectEventBus, ensureStream, streamOf } from '@tributary/pump-kit';
import type { ReportingConfig } from '../reporting.config.js';
import { REPORTING_CONFIG } from '../reporting.tokens.js';
import { EventApplyService } from './event-apply.service.js';

/** Messages applied in one store transaction at most. */
const MAX_BATCH = 1000;
const RETRY_MS = 1000;
/** Unacknowledged messages come again after this long: those of a consumer that died, or of a batch slower than this (applied twice: no effect). */
const ACK_WAIT_MS = 5000;

/** What the consumer of one service's stream has done since start: for tests and logs. */
export interface ConsumerStatus {
  source: EventSource;
  running: boolean;
  batches: number;
  lastError?: string;
}

/**
 * The event pump's receiving half with a broker: a durable JetStream consumer on each
 * service's stream. Messages are applied in batches of what has arrived (one store
 * transaction each) and acknowledged only once that transaction has committed: a
 * consumer killed in between gets them again, and the store recognises them by id. A
 * batch the store cannot take (it is down) is handed back for redelivery.
 */
@Injectable()
export class EventStreamConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Events');
  private connection?: NatsConnection;
  private readonly subscriptions: ConsumerMessages[] = [];
  private stopped = false;
  readonly status = new Map<EventSource, ConsumerStatus>(EVENT_SOURCES.map((source) => [source, { source, running: false, batches: 0 }]));

  constructor(
    private readonly apply: EventApplyService,
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.events.bus.natsUrl) void this.connectUntilStopped(this.config.events.bus.natsUrl);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    for (const subscription of this.subscriptions) await subscription.close().catch(() => undefined);
    await this.connection?.drain().catch(() => undefined);
  }

  private async connectUntilStopped(natsUrl: string): Promise<void> {
    while (!this.stopped) {
      try {
        this.connection = await connectEventBus(natsUrl, 'reporting event consumer');
        this.logger.log(`consuming events from ${natsUrl}`);
        for (const source of EVENT_SOURCES) void this.consumeUntilStopped(this.connection, source);
        return;
      } catch (error) {
        this.logger.warn(`cannot reach NATS at ${natsUrl}: ${(error as Error).message}; retrying`);
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }

  /** One stream's consumer; set up again after anything that ends it, until the app stops. */
  private async consumeUntilStopped(nc: NatsConnection, source: EventSource): Promise<void> {
    const status = this.status.get(source)!;
    while (!this.stopped) {
      try {
        await this.consume(nc, source, status);
      } catch (error) {
        const message = (error as Error).message;
        if (status.lastError !== message) this.logger.warn(`${source} events: ${message}; retrying`);
        status.lastError = message;
      }
      status.running = false;
      if (!this.stopped) await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  }

  private async consume(nc: NatsConnection, source: EventSource, status: ConsumerStatus): Promise<void> {
    const { bus, consumerName } = this.config.events;
    const stream = streamOf(bus, source);
    const jsm = await jetstreamManager(nc);
    await ensureStream(jsm, bus, source);
    // A batch takes well under a second to apply; messages a killed consumer held come again after ack_wait.
    const consumerConfig = { durable_name: consumerName, ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ack_wait: nanos(ACK_WAIT_MS), max_ack_pending: 4 * MAX_BATCH };
    try {
      await jsm.consumers.info(stream, consumerName);
    } catch (error) {
      if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound)) throw error;
      await jsm.consumers.add(stream, consumerConfig);
    }
    const messages = await (await jetstream(nc).consumers.get(stream, consumerName)).consume({ max_messages: MAX_BATCH });
    this.subscriptions.push(messages);
    status.running = true;
    status.lastError = undefined;
    const pending: JsMsg[] = [];
    let flushing: Promise<void> | undefined;
    const flush = async () => {
      while (pending.length > 0) {
        const batch = pending.splice(0, MAX_BATCH);
        try {
          const traced = tracingEnabled();
          await this.apply.apply(batch.map((message) => ({ text: message.string(), origin: `${stream}:${message.seq}`, traceparent: traced ? message.headers?.get('traceparent') || undefined : undefined })));
          for (const message of batch) message.ack();
          status.batches++;
        } catch (error) {
          this.logger.warn(`${source} events: a batch of ${batch.length} was not applied (${(error as Error).message}); it comes again`);
          for (const message of batch) message.nak(RETRY_MS);
        }
      }
    };
    for await (const message of messages) {
      pending.push(message);
      flushing ??= flush().finally(() => (flushing = undefined));
    }
    await flushing;
  }
}
