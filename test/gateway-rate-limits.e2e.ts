import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { createServer, connect, type AddressInfo, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { DataFactory, freePorts, startFakeServices } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiKeyStore } from '../apps/gateway/src/auth/api-key-store.js';
import { DOWNSTREAM_NAMES, type DownstreamName } from '../apps/gateway/src/downstream/downstream-services.js';
import { gatewayConfigFromEnv, type GatewayConfig } from '../apps/gateway/src/gateway.config.js';
import { RATE_LIMIT_DEFAULTS, type RateLimitConfig } from '../apps/gateway/src/limits/rate-limit.config.js';
import { RedisBucketStore } from '../apps/gateway/src/limits/redis-bucket-store.js';
import { startGateway, type FakeDownstream, type GatewayUnderTest } from './support/gateway-under-test.js';

/**
 * Rate limits per client, over real HTTP. In memory, two clients are two loopback addresses
 * (127.0.0.2, 127.0.0.3), which anonymous development requests are counted by; between two
 * gateways on one Redis they are two API keys sent from the same address, as in production.
 * A client has 3 requests at once and 1 more per second.
 */
const redisUrl = process.env.TEST_REDIS_URL;
if (!redisUrl) console.log('gateway-rate-limits: the Redis tests are skipped, TEST_REDIS_URL is not set (e.g. redis://127.0.0.1:6379)');

const LIMIT = { perSecond: 1, burst: 3 };
/** This run's keys in the shared Redis: deleted at the end. */
const RUN_PREFIX = `test:rate-limit:${randomUUID()}:`;
const QUERY = JSON.stringify({ query: '{ customers(ids: ["c-1"]) { id name } }' });
const ALICE = '127.0.0.2';
const BOB = '127.0.0.3';

const data = new DataFactory();
const customer = data.customer({ id: 'c-1' });
let fakes: FakeDownstream;
const downstreamCalls = () => DOWNSTREAM_NAMES.reduce((sum, name) => sum + fakes[name].calls.length, 0);

beforeAll(async () => {
  fakes = await startFakeServices(DOWNSTREAM_NAMES);
  fakes.customers.serveResource('customers', 'customer', [customer]);
});

afterAll(async () => {
  await fakes?.closeAll();
  if (!redisUrl) return;
  const redis = new Redis(redisUrl);
  const keys = await redis.keys(`${RUN_PREFIX}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
});

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> };
}

/** POST /graphql from a chosen loopback address, so that each address is its own client. */
function post(gateway: RunningGateway, from: string, body = QUERY, headers: Record<string, string> = {}): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      { host: '127.0.0.1', port: gateway.port, path: '/graphql', method: 'POST', localAddress: from, agent: false, headers: { 'content-type': 'application/json', ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function expectServed(answer: Answer) {
  expect({ status: answer.status, body: answer.body }).toMatchObject({ status: 200, body: { data: { customers: [{ id: 'c-1', name: customer.name }] } } });
  expect(answer.body.errors).toBeUndefined();
}

function expectRefused(answer: Answer) {
  expect(answer.status).toBe(429);
  expect(answer.headers['retry-after']).toBe('1');
  expect(answer.headers['ratelimit-remaining']).toBe('0');
  expect(answer.body).toEqual({
    errors: [
      {
        message: 'rate limit exceeded: a client may send 3 requests at once and 1 per second after that; retry in 1 s',
        extensions: { code: 'RATE_LIMITED', retryAfterSeconds: 1, burst: 3, perSecond: 1 },
      },
    ],
  });
}

type RunningGateway = GatewayUnderTest & { port: number };

async function startLimitedGateway(rateLimit: Partial<RateLimitConfig>, overrides: Partial<GatewayConfig> = {}): Promise<RunningGateway> {
  const urls = Object.fromEntries(DOWNSTREAM_NAMES.map((name) => [name, fakes[name].url])) as Record<DownstreamName, string>;
  const gateway = await startGateway(urls, { rateLimit: { ...RATE_LIMIT_DEFAULTS, redisUrl: null, ...LIMIT, ...rateLimit }, ...overrides });
  await gateway.app.listen(0, '127.0.0.1');
  return { ...gateway, port: (gateway.http.address() as AddressInfo).port };
}

/** Spends a client's whole burst, each request served and counted down in RateLimit-Remaining. */
async function spendBurst(gateway: RunningGateway, from: string, headers: Record<string, string> = {}) {
  for (let remaining = LIMIT.burst - 1; remaining >= 0; remaining--) {
    const answer = await post(gateway, from, QUERY, headers);
    expectServed(answer);
    expect(answer.headers['ratelimit-limit']).toBe(String(LIMIT.burst));
    expect(answer.headers['ratelimit-remaining']).toBe(String(remaining));
  }
}

describe('in memory, one gateway', () => {
  let gateway: RunningGateway;
  beforeAll(async () => {
    gateway = await startLimitedGateway({});
  });
  afterAll(async () => {
    await gateway?.close();
  });

  it('a client over its rate gets 429 with Retry-After and costs nothing downstream; another is served; after Retry-After the first is served again', async () => {
    await spendBurst(gateway, ALICE);
    const callsBefore = downstreamCalls();
    expect(callsBefore).toBeGreaterThan(0);
    expectRefused(await post(gateway, ALICE));
    // Refused before the body is read: a body that is not even JSON gets the 429, not a 400.
    expectRefused(await post(gateway, ALICE, '{"query": '));
    expect(downstreamCalls()).toBe(callsBefore);

    expectServed(await post(gateway, BOB));

    await sleep(1000);
    expectServed(await post(gateway, ALICE));
  });
});

describe.skipIf(!redisUrl)('two gateways sharing one Redis, clients by API key', () => {
  const keyPrefix = `${RUN_PREFIX}gateways:`;
  const as = (client: { key: string }) => ({ authorization: `Bearer ${client.key}` });
  let keyDir: string;
  let alice: ReturnType<ApiKeyStore['create']>;
  let bob: ReturnType<ApiKeyStore['create']>;
  let redis: Redis;
  let a: RunningGateway;
  let b: RunningGateway;

  beforeAll(async () => {
    // One key store for both replicas, as a shared volume would be.
    keyDir = mkdtempSync(join(tmpdir(), 'tributary-rate-limit-keys-'));
    const keys = new ApiKeyStore(join(keyDir, 'api-keys.json'));
    alice = keys.create('alice dashboard', 'reporter');
    bob = keys.create('bob dashboard', 'reporter');
    redis = new Redis(redisUrl!);
    // Every request needs a credential, as in production: the client is the key, not the address.
    const auth = { ...gatewayConfigFromEnv({}).auth, mode: 'required' as const, apiKeysFile: join(keyDir, 'api-keys.json') };
    [a, b] = await Promise.all([startLimitedGateway({ redisUrl: redisUrl!, keyPrefix }, { auth }), startLimitedGateway({ redisUrl: redisUrl!, keyPrefix }, { auth })]);
  });

  afterAll(async () => {
    // The last test closes them; these are for a run that stopped before it.
    await Promise.all([a?.close(), b?.close()]);
    await redis?.quit();
    if (keyDir) rmSync(keyDir, { recursive: true, force: true });
  });

  it('a client that spent its burst on gateway A is refused on B too; another client is served on both; after Retry-After the first is served again', async () => {
    // Both from one address: only the keys tell the clients apart.
    await spendBurst(a, ALICE, as(alice));
    const callsBefore = downstreamCalls();
    expectRefused(await post(b, ALICE, QUERY, as(alice)));
    expectRefused(await post(a, ALICE, QUERY, as(alice)));
    expect(downstreamCalls()).toBe(callsBefore);

    expectServed(await post(b, ALICE, QUERY, as(bob)));
    expectServed(await post(a, ALICE, QUERY, as(bob)));

    // The buckets are in Redis, by key id under this run's prefix, and expire once full again (3 s at 1 per second, plus a second).
    const ttl = await redis.pttl(`${keyPrefix}key:${alice.record.id}`);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(4000);

    await sleep(1000);
    expectServed(await post(b, ALICE, QUERY, as(alice)));
  });

  it('the Lua script is atomic: 40 requests at once through two stores take exactly the burst of 20', async () => {
    const log = { warn: () => {}, log: () => {} };
    const settings = { perSecond: 1, burst: 20 };
    const stores = [0, 1].map(() => new RedisBucketStore(settings, { url: redisUrl!, keyPrefix, timeoutMs: 1000, log }));
    try {
      await Promise.all(stores.map((store) => store.connected()));
      const decisions = await Promise.all(Array.from({ length: 40 }, (_, i) => stores[i % 2]!.take('racer')));
      expect(decisions.filter((decision) => decision.allowed)).toHaveLength(20);
    } finally {
      await Promise.all(stores.map((store) => store.close()));
    }
  });

  it('closing a gateway closes its Redis connection', async () => {
    const ours = async () => String(await redis.client('LIST')).split('\n').filter((line: string) => line.includes(`name=tributary-gateway-rate-limits:${process.pid} `)).length;
    expect(await ours()).toBe(2);
    await Promise.all([a.close(), b.close()]);
    await expect.poll(ours, { timeout: 1000 }).toBe(0);
  });
});

describe('Redis unreachable: answered from local buckets, never a wait or an error', () => {
  it('REDIS_URL at a closed port: the gateway boots, serves, and limits each client on its own', async () => {
    const [port] = await freePorts(1);
    const started = performance.now();
    const gateway = await startLimitedGateway({ redisUrl: `redis://127.0.0.1:${port}` });
    try {
      expect(performance.now() - started).toBeLessThan(5000);
      await spendBurst(gateway, ALICE);
      expectRefused(await post(gateway, ALICE));
      expectServed(await post(gateway, BOB));
    } finally {
      await gateway.close();
    }
  });

  it('a store whose Redis goes silent answers within its timeout from local buckets, and warns once', async () => {
    const warnings: string[] = [];
    // A server that accepts connections and never answers: no error, only silence.
    const silent = await listen(createServer(() => {}));
    const store = new RedisBucketStore(LIMIT, { url: `redis://127.0.0.1:${(silent.address() as AddressInfo).port}`, keyPrefix: 'unused:', timeoutMs: 50, log: { warn: (m) => warnings.push(m), log: () => {} } });
    try {
      expect(await store.connected(300)).toBe(false);
      const started = performance.now();
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await store.take('client'));
      expect(performance.now() - started).toBeLessThan(200);
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
      expect(warnings).toHaveLength(1);
    } finally {
      await store.close();
      silent.close();
    }
  }, 10_000);

  it.skipIf(!redisUrl)('Redis that stops answering mid-run: each request waits at most the timeout, then local buckets answer', async () => {
    const warnings: string[] = [];
    const proxy = await freezableProxy(new URL(redisUrl!));
    const store = new RedisBucketStore(LIMIT, { url: `redis://127.0.0.1:${proxy.port}`, keyPrefix: `${RUN_PREFIX}frozen:`, timeoutMs: 100, log: { warn: (m) => warnings.push(m), log: () => {} } });
    try {
      expect(await store.connected()).toBe(true);
      expect(await store.take('client')).toEqual({ allowed: true, remaining: 2, retryAfterMs: 0 });
      proxy.freeze();
      const started = performance.now();
      // The first request waits for the timeout, the next ones skip Redis; all from the local bucket, which starts full.
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await store.take('client'));
      expect(performance.now() - started).toBeLessThan(400);
      expect(decisions.map((decision) => decision.allowed)).toEqual([true, true, true, false]);
      expect(warnings).toEqual([expect.stringContaining('rate limits: Redis does not answer (no answer within 100 ms)')]);
    } finally {
      await store.close();
      proxy.close();
    }
  }, 10_000);
});

function listen(server: Server): Promise<Server> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** A TCP proxy to Redis that can be made to swallow everything, as a network partition does. */
async function freezableProxy(target: URL) {
  let frozen = false;
  const sockets: Socket[] = [];
  const server = await listen(
    createServer((client) => {
      const upstream = connect(Number(target.port || 6379), target.hostname);
      sockets.push(client, upstream);
      client.on('data', (chunk) => frozen || upstream.write(chunk));
      upstream.on('data', (chunk) => frozen || client.write(chunk));
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
    }),
  );
  return {
    port: (server.address() as AddressInfo).port,
    freeze: () => (frozen = true),
    close: () => {
      for (const socket of sockets) socket.destroy();
      server.close();
    },
  };
}
