import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENT_SOURCES, type DomainEvent } from '@tributary/contracts';
import { connectEventBus, OutboxRelayLoop, streamOf, subjectOf, type EventBusSettings } from '@tributary/pump-kit';
import { TEST_DATA } from '@tributary/testing';
import { startSystem, type ReportingUnderTest, type SystemUnderTest } from './support/system-under-test.js';

/**
 * The event pump through NATS JetStream, against the machine's server (TEST_NATS_URL):
 * each service's relay publishes its outbox to a stream of its own, and the reporting
 * app's durable consumer applies what arrives. The streams are this run's own
 * (random prefixes) and are deleted at the end.
 */
const natsUrl = process.env.TEST_NATS_URL;
if (!natsUrl) console.log('event-pump-nats: skipped, TEST_NATS_URL is not set (the embedded path is test/event-pump.e2e.ts)');

const run = randomBytes(4).toString('hex');
const bus: EventBusSettings = { natsUrl: natsUrl ?? null, streamPrefix: `TEST_${run}`, subjectPrefix: `test_${run}` };
let system: SystemUnderTest;
let reporting: ReportingUnderTest;
let loops: OutboxRelayLoop[] = [];
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;

/** Polls until `read` gives what `done` wants, or fails after `timeoutMs`. */
async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await sleep(20);
  }
}

async function eventsApplied(table: string): Promise<number> {
  const freshness = (await request(reporting.service.http).get('/v1/freshness').expect(200)).body;
  return freshness.tables.find((t: { table: string }) => t.table === table).events.applied;
}

describe.skipIf(!natsUrl)('the event pump through NATS JetStream', () => {
  beforeAll(async () => {
    system = await startSystem(TEST_DATA, {}, { reporting: true, eventBus: bus });
    reporting = system.reporting!;
    await reporting.pumpAll();
    loops = Object.values(reporting.relays).map((relay) => new OutboxRelayLoop(relay, 20, 500));
    for (const loop of loops) loop.start();
    nc = await connectEventBus(natsUrl!, 'event-pump-nats test');
    js = jetstream(nc);
    jsm = await jetstreamManager(nc);
  });

  afterAll(async () => {
    for (const loop of loops) await loop.stop();
    await system?.close();
    for (const source of EVENT_SOURCES) await jsm?.streams.delete(streamOf(bus, source)).catch(() => false);
    await nc?.drain();
  });

  it('a customer renamed through the API is in reporting_v1 well within a second, and the store says how long it took', async () => {
    const [customer] = await reporting.service.db.$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM reporting_v1.customers ORDER BY id LIMIT 1`);
    const renamed = (await request(system.customers.http).patch(`/v1/customers/${customer!.id}`).send({ name: 'Renamed Through NATS' }).expect(200)).body;
    const rows = await eventually(
      () => reporting.service.db.$queryRawUnsafe<Array<{ name: string }>>(`SELECT name FROM reporting_v1.customers WHERE id = $1`, customer!.id),
      (found) => found[0]?.name === 'Renamed Through NATS',
    );
    expect(rows).toEqual([{ name: 'Renamed Through NATS' }]);
    const freshness = (await request(reporting.service.http).get('/v1/freshness').expect(200)).body;
    const events = freshness.tables.find((t: { table: string }) => t.table === 'customers').events;
    expect(events.lastOccurredAt).toBe(renamed.updatedAt);
    // The bound for the steady state through NATS: under a second from the write to the store.
    expect(events.lag.lastSeconds).toBeLessThan(1);
    const info = await jsm.streams.info(streamOf(bus, 'customers'));
    expect(info.state.messages).toBeGreaterThan(0);
  });

  it('an event published twice is stored once by the stream, and one that reaches the store twice is applied once', async () => {
    const created = (await request(system.customers.http).post('/v1/customers').send({ name: 'Published Twice', email: 'twice-nats@example.org', country: 'DE' }).expect(201)).body;
    await eventually(() => eventsApplied('customers'), () => true);
    const [{ event }] = await system.customers.db.$queryRawUnsafe<Array<{ event: DomainEvent }>>(`SELECT event FROM outbox WHERE subject = $1`, created.id);
    await eventually(
      () => reporting.service.db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM reporting_store.applied_events WHERE event_id = $1::uuid`, event.id),
      (rows) => rows.length === 1,
    );
    const before = await eventsApplied('customers');
    const subject = subjectOf(bus, 'customers', event.type);
    // Within the duplicate window the stream drops a message id it already has…
    expect(await js.publish(subject, JSON.stringify(event), { msgID: event.id })).toMatchObject({ duplicate: true });
    // …and past it (another message id), the store recognises the event id.
    await js.publish(subject, JSON.stringify(event), { msgID: `${event.id}-again` });
    const marker = (await request(system.customers.http).post('/v1/customers').send({ name: 'After The Copy', email: 'after-copy@example.org', country: 'DE' }).expect(201)).body;
    await eventually(
      () => reporting.service.db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM reporting_v1.customers WHERE id = $1`, marker.id),
      (rows) => rows.length === 1,
    );
    // The copy came before the marker on the same stream: only the marker counted.
    expect(await eventsApplied('customers')).toBe(before + 1);
  });

  it('a poison message on a stream is set aside as a dead letter, and the events after it still arrive', async () => {
    const ack = await js.publish(subjectOf(bus, 'catalog', 'product.updated.v1'), 'this is not an event');
    const product = (await request(system.catalog.http).post('/v1/products').send({ sku: 'NATS-AFTER-POISON', title: 'Still Flowing', category: 'Toys', priceCents: 500, currency: 'GBP' }).expect(201)).body;
    const rows = await eventually(
      () => reporting.service.db.$queryRawUnsafe<unknown[]>(`SELECT sku FROM reporting_v1.products WHERE id = $1`, product.id),
      (found) => found.length === 1,
    );
    expect(rows).toEqual([{ sku: 'NATS-AFTER-POISON' }]);
    expect(await reporting.service.db.$queryRawUnsafe(`SELECT source, reason FROM reporting_store.dead_letters WHERE source = $1`, `${streamOf(bus, 'catalog')}:${ack.seq}`)).toEqual([
      { source: `${streamOf(bus, 'catalog')}:${ack.seq}`, reason: 'not JSON' },
    ]);
  });
});
