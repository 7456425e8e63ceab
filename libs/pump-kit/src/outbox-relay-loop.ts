import { Logger } from '@nestjs/common';
import type { OutboxRelay } from './outbox-relay.js';

/** What a service's relay has done since it started: for logs, /metrics and tests. */
export interface RelayStatus {
  published: number;
  errors: number;
  lastError?: string;
}

const PRUNE_EVERY_MS = 60_000;
const MAX_BACKOFF_MS = 5000;

/**
 * Runs a relay again and again inside the service: at once while it publishes full
 * batches, after `intervalMs` when the outbox is empty, backing off while the broker or
 * the store is down. A failure is a warning and a retry, never a crash of the service.
 */
export class OutboxRelayLoop {
  private readonly logger = new Logger('Relay');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;
  private stopped = true;
  private lastPrune = 0;
  readonly status: RelayStatus = { published: 0, errors: 0 };

  constructor(
    private readonly relay: OutboxRelay,
    private readonly intervalMs: number,
    private readonly batchSize: number,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  private schedule(delayMs: number, failures: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.pass().then(
        (published) => this.schedule(published >= this.batchSize ? 0 : this.intervalMs, 0),
        () => this.schedule(Math.min(MAX_BACKOFF_MS, this.intervalMs * 2 ** (failures + 1)), failures + 1),
      );
    }, delayMs);
    this.timer.unref();
  }

  private async pass(): Promise<number> {
    try {
      const published = await this.relay.relayOnce();
      this.status.published += published;
      if (this.status.lastError) this.logger.log('publishing again');
      this.status.lastError = undefined;
      if (Date.now() - this.lastPrune > PRUNE_EVERY_MS) {
        this.lastPrune = Date.now();
        const pruned = await this.relay.prune();
        if (pruned > 0) this.logger.debug(`pruned ${pruned} published events`);
      }
      return published;
    } catch (error) {
      this.status.errors++;
      const message = error instanceof Error ? error.message : String(error);
      if (this.status.lastError !== message) this.logger.warn(`cannot publish the outbox: ${message}; retrying`);
      this.status.lastError = message;
      throw error;
    }
  }
}
