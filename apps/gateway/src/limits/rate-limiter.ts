import { Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { RateLimitConfig } from './rate-limit.config.js';
import { RedisBucketStore } from './redis-bucket-store.js';
import { MemoryBucketStore, type BucketDecision, type BucketStore } from './token-bucket.js';

/** Requests per client, by the principal's `clientId`: in Redis when configured, else in memory. */
export class RateLimiter implements OnModuleInit, OnModuleDestroy {
  private readonly store: BucketStore;

  constructor(
    readonly config: RateLimitConfig,
    store?: BucketStore,
  ) {
    const logger = new Logger('RateLimiter');
    this.store =
      store ??
      (config.redisUrl
        ? new RedisBucketStore(config, { url: config.redisUrl, keyPrefix: config.keyPrefix, timeoutMs: config.redisTimeoutMs, log: logger })
        : new MemoryBucketStore(config));
  }

  take(clientId: string): Promise<BucketDecision> {
    return this.store.take(clientId);
  }

  /** Waits for Redis at boot (RedisBucketStore.connected: three seconds at most), so that the first requests are counted in the shared buckets. */
  async onModuleInit(): Promise<void> {
    const where = this.config.redisUrl ? `shared in Redis at ${new URL(this.config.redisUrl).host}` : 'in memory, per replica';
    new Logger('RateLimiter').log(`rate limits: ${this.config.burst} requests at once, ${this.config.perSecond} per second per client, ${where}`);
    if (this.store instanceof RedisBucketStore) await this.store.connected();
  }

  async onModuleDestroy(): Promise<void> {
    await this.store.close();
  }
}
