import { Redis } from 'ioredis';
import { fullAfterMs, MemoryBucketStore, type BucketDecision, type BucketSettings, type BucketStore } from './token-bucket.js';

/**
 * takeToken (token-bucket.ts) in Lua, so that read, refill, take and write are one atomic
 * step however many replicas share the key. Redis's clock, not the replicas': their
 * clocks may disagree. The key expires once the bucket would be full again, when it is
 * the same as no key. Returns {allowed, whole tokens left, ms until the next token}.
 */
const TAKE_TOKEN_LUA = `
redis.replicate_commands()
local perSecond = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local ttlMs = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local stored = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = burst
if stored[1] then
  tokens = math.min(burst, tonumber(stored[1]) + math.max(0, now - tonumber(stored[2])) * perSecond / 1000)
end
local allowed = 0
local retryMs = 0
if tokens >= 1 then
  tokens = tokens - 1
  allowed = 1
else
  retryMs = math.ceil((1 - tokens) * 1000 / perSecond)
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
redis.call('PEXPIRE', KEYS[1], ttlMs)
return {allowed, math.floor(tokens), retryMs}
`;

type TakeTokenReply = [allowed: number, remaining: number, retryAfterMs: number];

interface WithTakeToken {
  tributaryTakeToken(key: string, perSecond: number, burst: number, ttlMs: number): Promise<TakeTokenReply>;
}

export interface RedisBucketStoreOptions {
  url: string;
  keyPrefix: string;
  /** The longest a request waits for Redis before its local bucket answers. */
  timeoutMs: number;
  log: { warn(message: string): void; log(message: string): void };
}

/** After Redis failed a request, the next ones go straight to the local buckets for this long. */
const SKIP_AFTER_FAILURE_MS = 1000;
/** Errors after which waiting for a connection at boot is pointless: nothing listens there. */
const NOTHING_THERE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH']);

/**
 * `promise`, or a rejection after `ms`. The rejection waits one turn of the event loop
 * more (setImmediate runs after I/O), so that an answer that arrived while the loop was
 * busy elsewhere, rendering a large response, is read before the time is declared up:
 * a busy gateway is not a slow Redis.
 */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => setImmediate(() => reject(new Error(`no answer within ${ms} ms`))), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error as Error);
      },
    );
  });
}

/**
 * Buckets in Redis, shared by every gateway replica. When Redis is down, slow or not yet
 * connected, a request is answered by this replica's own buckets (MemoryBucketStore):
 * limits still apply, per replica, and nobody waits longer than `timeoutMs` or gets an
 * error because of Redis. One warning per outage, one line when Redis is back.
 */
export class RedisBucketStore implements BucketStore {
  private readonly redis: Redis;
  private readonly local: MemoryBucketStore;
  private readonly ttlMs: number;
  private degraded = false;
  private skipRedisUntil = 0;

  constructor(
    private readonly settings: BucketSettings,
    private readonly options: RedisBucketStoreOptions,
  ) {
    this.local = new MemoryBucketStore(settings);
    this.ttlMs = fullAfterMs(settings) + 1000;
    // A request waits `timeoutMs` (within, above); these are longer, for the connection
    // itself: commands a request gave up on are dropped, and a socket that stopped
    // answering is replaced, but a gateway whose event loop was busy for a moment keeps it.
    const connectionTimeoutMs = Math.max(2000, 20 * options.timeoutMs);
    this.redis = new Redis(options.url, {
      // Fail at once instead of queueing while disconnected, and never retry a command:
      // the local bucket answers instead.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: connectionTimeoutMs,
      socketTimeout: connectionTimeoutMs,
      connectTimeout: connectionTimeoutMs,
      retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
      // Which process holds it, in CLIENT LIST.
      connectionName: `tributary-gateway-rate-limits:${process.pid}`,
    });
    this.redis.defineCommand('tributaryTakeToken', { numberOfKeys: 1, lua: TAKE_TOKEN_LUA });
    this.redis.on('error', (error: Error) => this.fellBack(error));
    this.redis.on('ready', () => {
      if (this.degraded) this.options.log.log('rate limits: Redis answers again; buckets are shared between replicas again');
      this.degraded = false;
      this.skipRedisUntil = 0;
    });
  }

  /**
   * Resolves true once connected; false when nothing listens at the address, or after
   * `withinMs` (a server that accepts and never answers, or one still starting). Either
   * way the local buckets answer meanwhile and the client keeps reconnecting.
   */
  connected(withinMs = 3000): Promise<boolean> {
    if (this.redis.status === 'ready') return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.fellBack(new Error(`not connected within ${withinMs} ms`));
        done(false);
      }, withinMs);
      const done = (ready: boolean) => {
        clearTimeout(timer);
        this.redis.off('ready', onReady);
        this.redis.off('error', onError);
        this.redis.off('end', onEnd);
        resolve(ready);
      };
      const onReady = () => done(true);
      const onError = (error: NodeJS.ErrnoException) => {
        if (NOTHING_THERE.has(error.code ?? '')) done(false);
      };
      const onEnd = () => done(false);
      this.redis.once('ready', onReady);
      this.redis.on('error', onError);
      this.redis.once('end', onEnd);
    });
  }

  async take(key: string): Promise<BucketDecision> {
    if (this.redis.status !== 'ready' || performance.now() < this.skipRedisUntil) return this.local.takeNow(key);
    try {
      const [allowed, remaining, retryAfterMs] = await within(
        (this.redis as unknown as WithTakeToken).tributaryTakeToken(this.options.keyPrefix + key, this.settings.perSecond, this.settings.burst, this.ttlMs),
        this.options.timeoutMs,
      );
      return { allowed: allowed === 1, remaining, retryAfterMs };
    } catch (error) {
      this.fellBack(error as Error);
      return this.local.takeNow(key);
    }
  }

  async close(): Promise<void> {
    await this.local.close();
    if (this.redis.status === 'ready') await this.redis.quit().catch(() => this.redis.disconnect());
    else this.redis.disconnect();
  }

  private fellBack(error: Error): void {
    this.skipRedisUntil = performance.now() + SKIP_AFTER_FAILURE_MS;
    if (this.degraded) return;
    this.degraded = true;
    this.options.log.warn(`rate limits: Redis does not answer (${error.message}); each replica counts on its own until it does`);
  }
}
