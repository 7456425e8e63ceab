import { DiagnosticSeverity, Parser } from '@asyncapi/parser';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_OF_SOURCE, type DomainEvent } from '@tributary/contracts';
import { startService, TestDatabases, type ServiceUnderTest } from '@tributary/testing';
import { ordersServiceWith } from '../apps/orders/src/orders-app.module.js';
import { listening, PlacementWorld, Placer } from './support/placement-world.js';

/**
 * Each service documents the events it publishes in an AsyncAPI 3 document at
 * /asyncapi.json. The official parser validates it, and the events the service really
 * writes into its outbox match the payload schema the document gives for their type.
 */
const addFormats = addFormatsModule.default;
const databases = new TestDatabases();
const services: Record<string, ServiceUnderTest> = {};
let world: PlacementWorld;
let placer: Placer;
// The parser's "3.1.0 is the latest version" note is not an error of this document.
const parser = new Parser({ ruleset: { extends: [], rules: { 'asyncapi-latest-version': 'off' } } });

beforeAll(async () => {
  world = await PlacementWorld.start(databases);
  services.customers = world.customers;
  services.catalog = world.catalog;
  const orders = await listening(
    startService(
      ordersServiceWith(() => ({
        customersUrl: world.customersProxy.url,
        catalogUrl: world.catalogProxy.url,
        deadlineMs: 1000,
        callTimeoutMs: 500,
        retryBaseMs: 50,
        retryMaxMs: 200,
        leaseMs: 2000,
        concurrency: 4,
        pollMs: 50,
        crashAt: null,
      })),
      databases,
    ),
  );
  services.orders = orders;
  placer = new Placer(orders.url);
});

afterAll(async () => {
  await services.orders?.close();
  await world?.close();
  await databases.dropAll();
});

interface AsyncApiDocument {
  channels: Record<string, { address: string }>;
  operations: Record<string, { action: string }>;
  components: Record<string, unknown>;
}

async function documentOf(source: string): Promise<AsyncApiDocument> {
  return (await request(services[source]!.http).get('/asyncapi.json').expect(200)).body;
}

/** Writes through the API that produce every event type of a service; the subjects of their events. */
async function writeEveryEvent(source: string): Promise<string[]> {
  const http = services[source]!.http;
  if (source === 'customers') {
    const { id } = (await request(http).post('/v1/customers').send({ name: 'Ada', email: 'ada@example.org', country: 'GB' }).expect(201)).body;
    await request(http).patch(`/v1/customers/${id}`).send({ country: 'FR' }).expect(200);
    return [id];
  }
  if (source === 'catalog') {
    const { id } = (await request(http).post('/v1/products').send({ sku: 'DOC-1', title: 'Documented', category: 'Books', priceCents: 100, currency: 'USD' }).expect(201)).body;
    await request(http).patch(`/v1/products/${id}`).send({ title: 'Documented, 2nd ed.' }).expect(200);
    return [id];
  }
  const { id } = (await request(http).post('/v1/orders').send({ customerId: 'c-1', currency: 'EUR', lines: [{ productId: 'p-1', quantity: 3, unitPriceCents: 250 }] }).expect(201)).body;
  await request(http).patch(`/v1/orders/${id}`).send({ status: 'PAID' }).expect(200);
  // Placements: one confirmed, one rejected after compensating, one failed at its deadline.
  const [product, customerId] = [await world.product(5), await world.customer()];
  const place = (quantity: number) => placer.place({ idempotencyKey: `asyncapi-${quantity}`, customerId, currency: 'EUR', lines: [{ productId: product.id, quantity }] });
  const confirmed = await placer.settled((await place(1)).id);
  const rejected = await placer.settled((await place(10)).id);
  world.catalogProxy.inject('unavailable');
  const failed = await placer.settled((await place(2)).id);
  world.catalogProxy.heal();
  expect([confirmed.state, rejected.state, failed.state]).toEqual(['CONFIRMED', 'REJECTED', 'FAILED']);
  return [id, confirmed.id, rejected.id, failed.id];
}

describe.each(Object.keys(EVENTS_OF_SOURCE))('the %s service’s /asyncapi.json', (source) => {
  it('is a valid AsyncAPI 3 document with a channel, a send operation and a message for every event type', async () => {
    const document = await documentOf(source);
    const diagnostics = await parser.validate(JSON.stringify(document));
    expect(diagnostics.filter((d) => d.severity === DiagnosticSeverity.Error).map((d) => `${d.path.join('.')}: ${d.message}`)).toEqual([]);
    const types = EVENTS_OF_SOURCE[source as keyof typeof EVENTS_OF_SOURCE];
    expect(Object.keys(document.channels)).toEqual([...types]);
    expect(Object.values(document.channels).map((channel) => channel.address)).toEqual(types.map((type) => `tributary.${source}.${type}`));
    expect(Object.values(document.operations).map((operation) => operation.action)).toEqual(types.map(() => 'send'));
  });

  it('describes the events the service really writes: each one matches the payload schema of its type', async () => {
    const document = await documentOf(source);
    const subjects = await writeEveryEvent(source);
    const events = await services[source]!.db.$queryRawUnsafe<Array<{ event: DomainEvent }>>(`SELECT event FROM outbox WHERE subject = ANY($1::text[]) ORDER BY seq`, subjects);
    expect([...new Set(events.map((row) => row.event.type))].sort()).toEqual([...EVENTS_OF_SOURCE[source as keyof typeof EVENTS_OF_SOURCE]].sort());
    const ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ components: document.components }, 'asyncapi');
    for (const { event } of events) {
      const validate = ajv.getSchema(`asyncapi#/components/schemas/${event.type}`)!;
      expect({ type: event.type, valid: validate(event), errors: validate.errors ?? null }).toEqual({ type: event.type, valid: true, errors: null });
    }
    // And the schema is strict enough to catch a broken event.
    const broken = { ...events[0]!.event, data: { ...events[0]!.event.data, updatedAt: 42 } };
    expect(ajv.getSchema(`asyncapi#/components/schemas/${broken.type}`)!(broken)).toBe(false);
  });
});
