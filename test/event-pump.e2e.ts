import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, EventsApplied } from '@tributary/contracts';
import { TEST_DATA } from '@tributary/testing';
import { startSystem, type ReportingUnderTest, type SystemUnderTest } from './support/system-under-test.js';

/**
 * The event pump on the embedded default: every write of a service commits with its
 * event in the service's outbox, and the relay delivers the outbox straight into the
 * store, which applies each event once and never takes a row back to an older version.
 * (test/event-pump-nats.e2e.ts runs the same through NATS JetStream.)
 */
let system: SystemUnderTest;
let reporting: ReportingUnderTest;

beforeAll(async () => {
  system = await startSystem(TEST_DATA, {}, { reporting: true });
  reporting = system.reporting!;
  await reporting.pumpAll();
});

afterAll(async () => {
  await system?.close();
});

const store = () => reporting.service.db;

interface OutboxRow {
  type: string;
  subject: string;
  event: DomainEvent;
}

async function outboxOf(db: typeof system.customers.db, subject: string): Promise<OutboxRow[]> {
  return db.$queryRawUnsafe<OutboxRow[]>(`SELECT type, subject, event FROM outbox WHERE subject = $1 ORDER BY seq`, subject);
}

async function applyEvents(events: unknown[]): Promise<EventsApplied> {
  return (await request(reporting.service.http).post('/v1/events:apply').send({ events }).expect(200)).body;
}

describe('the outbox', () => {
  it('every write commits its event, with the whole new state as the API answered it', async () => {
    const created = (await request(system.customers.http).post('/v1/customers').send({ name: 'Grace Hopper', email: 'grace@example.org', country: 'us' }).expect(201)).body;
    const renamed = (await request(system.customers.http).patch(`/v1/customers/${created.id}`).send({ name: 'Rear Admiral Hopper' }).expect(200)).body;
    await request(system.customers.http).patch(`/v1/customers/${created.id}`).send({}).expect(200);
    const events = await outboxOf(system.customers.db, created.id);
    expect(events.map((row) => row.type)).toEqual(['customer.created.v1', 'customer.updated.v1']);
    expect(events.map((row) => row.event.data)).toEqual([created, renamed]);
    expect(events[1]!.event).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), type: 'customer.updated.v1', source: 'customers', subject: created.id, occurredAt: renamed.updatedAt, data: renamed });

    const product = (await request(system.catalog.http).post('/v1/products').send({ sku: 'EVT-1', title: 'Event Horizon', category: 'Books', priceCents: 1999, currency: 'EUR' }).expect(201)).body;
    const repriced = (await request(system.catalog.http).patch(`/v1/products/${product.id}`).send({ priceCents: 1499 }).expect(200)).body;
    expect((await outboxOf(system.catalog.db, product.id)).map((row) => [row.type, row.event.data])).toEqual([['product.created.v1', product], ['product.updated.v1', repriced]]);

    const order = (await request(system.orders.http).post('/v1/orders').send({ customerId: created.id, currency: 'EUR', lines: [{ productId: product.id, quantity: 2, unitPriceCents: 1499 }] }).expect(201)).body;
    const shipped = (await request(system.orders.http).patch(`/v1/orders/${order.id}`).send({ status: 'SHIPPED' }).expect(200)).body;
    expect((await outboxOf(system.orders.db, order.id)).map((row) => [row.type, row.event.data])).toEqual([['order.created.v1', order], ['order.updated.v1', shipped]]);
  });

  it('a write that fails writes no event, and an event that cannot be written undoes its write', async () => {
    const [{ count: before }] = await system.customers.db.$queryRawUnsafe<Array<{ count: bigint }>>(`SELECT count(*) FROM outbox`);
    await request(system.customers.http).post('/v1/customers').send({ name: 'Twin', email: 'grace@example.org', country: 'GB' }).expect(409);
    expect(await system.customers.db.$queryRawUnsafe(`SELECT count(*) FROM outbox`)).toEqual([{ count: before }]);

    // The outbox refuses this one event: its write must not stay without it.
    await system.customers.db.$executeRawUnsafe(`
      CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.event->'data'->>'name' = 'Refused By The Outbox' THEN RAISE EXCEPTION 'outbox refused'; END IF; RETURN NEW; END $$`);
    await system.customers.db.$executeRawUnsafe(`CREATE TRIGGER refuse_event BEFORE INSERT ON outbox FOR EACH ROW EXECUTE FUNCTION refuse_event()`);
    try {
      await request(system.customers.http).post('/v1/customers').send({ name: 'Refused By The Outbox', email: 'refused@example.org', country: 'GB' }).expect(500);
      expect(await system.customers.db.$queryRawUnsafe(`SELECT id FROM customers WHERE email = 'refused@example.org'`)).toEqual([]);
      expect(await system.customers.db.$queryRawUnsafe(`SELECT count(*) FROM outbox`)).toEqual([{ count: before }]);
    } finally {
      await system.customers.db.$executeRawUnsafe(`DROP TRIGGER refuse_event ON outbox`);
      await system.customers.db.$executeRawUnsafe(`DROP FUNCTION refuse_event()`);
    }
  });
});

describe('the relay, straight into the store', () => {
  it('carries a write into reporting_v1 at its next pass, and the store measures how long it took', async () => {
    const [customer] = await store().$queryRawUnsafe<Array<{ id: string }>>(`SELECT id FROM reporting_v1.customers ORDER BY id LIMIT 1`);
    const renamed = (await request(system.customers.http).patch(`/v1/customers/${customer!.id}`).send({ name: 'Renamed By An Event' }).expect(200)).body;
    expect(await reporting.relayAll()).toBeGreaterThan(0);
    expect(await store().$queryRawUnsafe(`SELECT name, updated_at FROM reporting_v1.customers WHERE id = $1`, customer!.id)).toEqual([
      { name: 'Renamed By An Event', updated_at: new Date(renamed.updatedAt) },
    ]);
    // Published events are marked, so a second pass sends nothing.
    expect(await reporting.relayAll()).toBe(0);
    const freshness = (await request(reporting.service.http).get('/v1/freshness').expect(200)).body;
    const customers = freshness.tables.find((t: { table: string }) => t.table === 'customers');
    expect(customers.events).toMatchObject({ applied: expect.any(Number), lastOccurredAt: renamed.updatedAt, lag: { events: expect.any(Number), lastSeconds: expect.any(Number) } });
    expect(customers.events.applied).toBeGreaterThan(0);
    const metrics = (await request(reporting.service.http).get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^tributary_reporting_event_lag_seconds_count\{table="customers"\} [1-9]\d*$/m);
    expect(metrics).toMatch(/^tributary_reporting_events_applied_total\{table="customers"\} [1-9]\d*$/m);
  });

  it('applies an event delivered twice once, and never takes a row back to an older version', async () => {
    const created = (await request(system.customers.http).post('/v1/customers').send({ name: 'Twice Told', email: 'twice@example.org', country: 'FR' }).expect(201)).body;
    const [{ event }] = await outboxOf(system.customers.db, created.id);
    expect(await applyEvents([event])).toEqual({ applied: 1, stale: 0, duplicates: 0, deadLettered: 0, notStored: 0 });
    expect(await applyEvents([event, event])).toEqual({ applied: 0, stale: 0, duplicates: 2, deadLettered: 0, notStored: 0 });
    const newer = (await request(system.customers.http).patch(`/v1/customers/${created.id}`).send({ name: 'Told Again' }).expect(200)).body;
    const [, { event: update }] = await outboxOf(system.customers.db, created.id);
    expect(await applyEvents([update])).toEqual({ applied: 1, stale: 0, duplicates: 0, deadLettered: 0, notStored: 0 });
    // An event that arrives late, with the state before: a new event, but older than the store's row.
    const late = { ...event, id: '01a00000-0000-7000-8000-000000000001' };
    expect(await applyEvents([late])).toEqual({ applied: 0, stale: 1, duplicates: 0, deadLettered: 0, notStored: 0 });
    expect(await store().$queryRawUnsafe(`SELECT name, updated_at FROM reporting_v1.customers WHERE id = $1`, created.id)).toEqual([{ name: 'Told Again', updated_at: new Date(newer.updatedAt) }]);
  });

  it('sets a poison event aside as a dead letter with the reason, applies the others, and counts it in the freshness answer and /metrics', async () => {
    const a = (await request(system.catalog.http).post('/v1/products').send({ sku: 'POISON-A', title: 'Before', category: 'Garden', priceCents: 100, currency: 'EUR' }).expect(201)).body;
    const b = (await request(system.catalog.http).post('/v1/products').send({ sku: 'POISON-B', title: 'After', category: 'Garden', priceCents: 200, currency: 'EUR' }).expect(201)).body;
    const [{ event: first }] = await outboxOf(system.catalog.db, a.id);
    const [{ event: second }] = await outboxOf(system.catalog.db, b.id);
    const before = (await request(reporting.service.http).get('/v1/freshness').expect(200)).body.deadLetters;
    const poison = [
      { ...first, id: '01a00000-0000-7000-8000-00000000000a', type: 'product.deleted.v9' },
      { ...first, id: '01a00000-0000-7000-8000-00000000000b', data: { ...first.data, priceCents: 'free' } },
      'not an event',
    ];
    expect(await applyEvents([first, ...poison, second])).toEqual({ applied: 2, stale: 0, duplicates: 0, deadLettered: 3, notStored: 0 });
    expect(await store().$queryRawUnsafe(`SELECT sku FROM reporting_v1.products WHERE id = ANY($1::text[]) ORDER BY sku`, [a.id, b.id])).toEqual([{ sku: 'POISON-A' }, { sku: 'POISON-B' }]);
    expect(await store().$queryRawUnsafe(`SELECT key, source, reason FROM reporting_store.dead_letters ORDER BY id DESC LIMIT 3`)).toEqual([
      { key: expect.stringMatching(/^relay:[0-9a-f]{32}$/), source: 'relay', reason: 'not a JSON object' },
      { key: '01a00000-0000-7000-8000-00000000000b', source: 'relay', reason: 'data.priceCents is missing or of the wrong type' },
      { key: '01a00000-0000-7000-8000-00000000000a', source: 'relay', reason: 'type "product.deleted.v9" is not an event type the store knows' },
    ]);
    // Delivered again, a poison event is still one dead letter.
    expect(await applyEvents([poison[0]])).toMatchObject({ deadLettered: 1 });
    expect((await request(reporting.service.http).get('/v1/freshness').expect(200)).body.deadLetters).toBe(before + 3);
    expect((await request(reporting.service.http).get('/metrics').expect(200)).text).toMatch(new RegExp(`^tributary_reporting_dead_letters ${before + 3}$`, 'm'));
  });

  it('refuses a request that is not a list of events, naming the field', async () => {
    const response = await request(reporting.service.http).post('/v1/events:apply').send({ events: 'all of them' }).expect(400);
    expect(response.body.errors).toContainEqual({ field: 'events', message: 'events must be an array' });
  });
});
