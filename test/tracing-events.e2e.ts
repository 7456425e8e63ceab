import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager } from '@nats-io/jetstream';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DomainEvent, OrderPlacement } from '@tributary/contracts';
import { inSpan, SpanKind, startTracing, withTraceHeaders, type Tracing } from '@tributary/core';
import { connectEventBus, streamOf, subjectOf, type EventBusSettings } from '@tributary/pump-kit';
import { attributeOf, SPAN_KIND, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { startSystem, type RunningService, type SystemUnderTest } from './support/system-under-test.js';

/**
 * Tracing past the request (issue 19): a write's trace context is stored with its
 * outbox event (the event's `traceparent`, CloudEvents' distributed tracing extension),
 * the relay's publish and the store's apply link to it, pump batches and placement steps
 * are spans of their own. The services run in this process, under one tracer provider.
 */
const natsUrl = process.env.TEST_NATS_URL;
if (!natsUrl) console.log('tracing-events: the NATS part skipped, TEST_NATS_URL is not set');

const DATA = { customers: 5, products: 5, orders: 10, seed: 5, until: new Date('2026-11-01T00:00:00Z') };
let receiver: OtlpReceiver;
let tracing: Tracing | null;
let system: SystemUnderTest;

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = receiver.endpoint;
  tracing = await startTracing('services-in-the-test-process');
  // Parts of 4 rows: one export of the customers makes several.
  system = await startSystem(DATA, {}, { reporting: true, exports: { partRows: 4, pageRows: 2 } });
}, 120_000);

afterAll(async () => {
  await system?.close();
  await tracing?.shutdown();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  await receiver?.close();
});

const url = (service: RunningService) => `http://127.0.0.1:${service.port}`;

/** A call made under a span of the test's own, sending its traceparent: the trace the call starts. */
async function traced<T>(method: string, target: string, body: unknown): Promise<{ traceId: string; status: number; body: T }> {
  return inSpan(`test ${method}`, {}, async (span) => {
    const response = await fetch(target, { method, headers: withTraceHeaders({ 'content-type': 'application/json' }), body: JSON.stringify(body) });
    return { traceId: span!.spanContext().traceId, status: response.status, body: (await response.json()) as T };
  }, SpanKind.CLIENT);
}

async function flushed(): Promise<OtlpSpan[]> {
  await tracing!.forceFlush();
  return receiver.received;
}

/** The write's span, as its event's traceparent names it: a span of the trace the test started. */
async function writeOf(service: RunningService, subject: string, traceId: string): Promise<{ traceparent: string; spanId: string }> {
  const [row] = await service.db.$queryRawUnsafe<Array<{ event: DomainEvent }>>(`SELECT event FROM outbox WHERE subject = $1 ORDER BY seq LIMIT 1`, subject);
  const traceparent = row!.event.traceparent!;
  expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`));
  await expectDocumented(service, row!.event);
  return { traceparent, spanId: traceparent.split('-')[2]! };
}

/** The span's parent, its parent's parent, and so on, as far as they were received. */
function ancestorsOf(spans: OtlpSpan[], span: OtlpSpan): OtlpSpan[] {
  const found: OtlpSpan[] = [];
  for (let at = spans.find((s) => s.spanId === span.parentSpanId); at; at = spans.find((s) => s.spanId === at!.parentSpanId)) found.push(at);
  return found;
}

/** The service's AsyncAPI payload schema of the event's type accepts it, traceparent and all. */
async function expectDocumented(service: RunningService, event: DomainEvent): Promise<void> {
  const document = (await (await fetch(`${url(service)}/asyncapi.json`)).json()) as { components: unknown };
  const ajv = new Ajv({ strict: false, allErrors: true });
  addFormatsModule.default(ajv);
  ajv.addSchema({ components: document.components }, 'asyncapi');
  const validate = ajv.getSchema(`asyncapi#/components/schemas/${event.type}`)!;
  expect({ valid: validate(event), errors: validate.errors ?? null }).toEqual({ valid: true, errors: null });
  expect(validate({ ...event, traceparent: 'not-a-traceparent' })).toBe(false);
}

const linksTo = (span: OtlpSpan, traceId: string, spanId: string) => (span.links ?? []).some((link) => link.traceId === traceId && link.spanId === spanId);

describe('a write, its event and the store (the embedded path: the relay posts to the store)', () => {
  it('the write’s trace is in its outbox event; the relay’s publish and the store’s apply link to it, and the apply is in the publish’s trace', async () => {
    const written = await traced<{ id: string }>('POST', `${url(system.customers)}/v1/customers`, { name: 'Trace Ada', email: 'trace-ada@example.org', country: 'GB' });
    expect(written.status).toBe(201);
    const write = await writeOf(system.customers, written.body.id, written.traceId);

    expect(await system.reporting!.relayAll()).toBeGreaterThan(0);
    expect(await system.reporting!.service.db.$queryRawUnsafe(`SELECT name FROM reporting_v1.customers WHERE id = $1`, written.body.id)).toEqual([{ name: 'Trace Ada' }]);

    const spans = await flushed();
    // The span the event names is the transaction that committed it, in the customers service's request.
    const transaction = spans.find((span) => span.spanId === write.spanId);
    expect(transaction).toMatchObject({ name: 'prisma:client:transaction', traceId: written.traceId });
    expect(ancestorsOf(spans, transaction!).map((span) => span.name)).toContain('POST /v1/customers');
    // The relay runs outside any request: its publish is a root, linked to the write (a batch holds many writes' events).
    const publish = spans.find((span) => span.name === 'outbox publish' && linksTo(span, written.traceId, write.spanId));
    expect(publish).toMatchObject({ kind: SPAN_KIND.PRODUCER });
    expect(publish!.parentSpanId ?? '').toBe('');
    // Its POST to the store carried its traceparent: the store's request is its child, and the apply under that links to the write too.
    const apply = spans.find((span) => span.name === 'events apply' && linksTo(span, written.traceId, write.spanId));
    expect(apply).toMatchObject({ kind: SPAN_KIND.CONSUMER, traceId: publish!.traceId });
    const server = spans.find((span) => span.spanId === apply!.parentSpanId);
    expect(server).toMatchObject({ name: 'POST /v1/events:apply', parentSpanId: publish!.spanId });
  });

  it('each pump batch is a span; the store’s ingest of it is its child', async () => {
    await system.reporting!.pumpAll();
    const spans = await flushed();
    const batches = spans.filter((span) => span.name === 'pump batch' && attributeOf(span, 'tributary.pump.table') === 'customers');
    expect(batches.length).toBeGreaterThan(0);
    const ingest = spans.filter((span) => span.name === 'POST /v1/pumps/customers:ingest' && batches.some((batch) => batch.spanId === span.parentSpanId));
    expect(ingest.length).toBe(batches.length);
    expect(attributeOf(batches[0]!, 'tributary.pump.rows_read')).toEqual(expect.any(Number));
  });
});

describe('an export job', () => {
  it('is a span per run, with a child span per part file it writes', async () => {
    await system.reporting!.pumpAll();
    const reporting = url(system.reporting!.service);
    const started = (await (await fetch(`${reporting}/v1/exports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataset: 'customers', format: 'csv' }) })).json()) as { name: string };
    let operation: { done: boolean; response?: { files: unknown[] } } = { done: false };
    for (const until = Date.now() + 20_000; !operation.done && Date.now() < until; await sleep(50)) operation = (await (await fetch(`${reporting}/v1/${started.name}`)).json()) as typeof operation;
    expect(operation.response!.files.length).toBeGreaterThan(1);

    const spans = await flushed();
    const id = started.name.split('/').at(-1);
    const run = spans.find((span) => span.name === 'export' && attributeOf(span, 'tributary.export.id') === id)!;
    expect(run).toBeDefined();
    const parts = spans.filter((span) => span.parentSpanId === run.spanId && span.name === 'export part');
    expect(parts.map((part) => attributeOf(part, 'tributary.export.part'))).toEqual(operation.response!.files.map((_, index) => index + 1));
  });
});

describe('an order placement', () => {
  it('its steps are spans in the trace of the request that placed it, with the placement’s id and state and no personal data; their calls are their children', async () => {
    const customer = (await (await fetch(`${url(system.customers)}/v1/customers`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'Placing Grace', email: 'placing-grace@example.org', country: 'DE' }) })).json()) as { id: string };
    const product = (await (await fetch(`${url(system.catalog)}/v1/products`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ sku: 'TRACE-1', title: 'Traced', category: 'Test', priceCents: 500, currency: 'EUR' }) })).json()) as { id: string };
    expect((await fetch(`${url(system.catalog)}/v1/stockLevels/${product.id}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ stockOnHand: 10 }) })).status).toBe(200);

    const placed = await traced<OrderPlacement>('POST', `${url(system.orders)}/v1/orderPlacements`, { idempotencyKey: randomBytes(8).toString('hex'), customerId: customer.id, currency: 'EUR', lines: [{ productId: product.id, quantity: 2 }] });
    expect(placed.status).toBe(202);
    let state = placed.body.state;
    for (const until = Date.now() + 20_000; state !== 'CONFIRMED' && Date.now() < until; await sleep(50)) state = ((await (await fetch(`${url(system.orders)}/v1/orderPlacements/${placed.body.id}`)).json()) as OrderPlacement).state;
    expect(state).toBe('CONFIRMED');

    const spans = await flushed();
    const request = spans.find((span) => span.traceId === placed.traceId && span.name === 'POST /v1/orderPlacements')!;
    expect(request).toBeDefined();
    const steps = spans.filter((span) => attributeOf(span, 'tributary.placement.id') === placed.body.id);
    expect(steps.map((span) => [span.name, attributeOf(span, 'tributary.placement.state')])).toEqual([
      ['placement REQUESTED', 'REQUESTED'],
      ['placement CUSTOMER_CHECKED', 'CUSTOMER_CHECKED'],
      ['placement STOCK_RESERVED', 'STOCK_RESERVED'],
    ]);
    // Each continues the context stored with the placement: the request's transaction that wrote it.
    for (const step of steps) expect({ step: step.name, traceId: step.traceId, under: ancestorsOf(spans, step).map((span) => span.spanId) }).toEqual({ step: step.name, traceId: placed.traceId, under: expect.arrayContaining([request.spanId]) });
    const callsOf = (step: OtlpSpan) => spans.filter((span) => span.parentSpanId === step.spanId && span.kind === SPAN_KIND.SERVER).map((span) => span.name);
    expect(steps.map(callsOf)).toEqual([
      ['POST /v1/products:batchGet', `POST /v1/customers/${customer.id}:checkCredit`],
      ['POST /v1/stockReservations'],
      [`POST /v1/stockReservations/${placed.body.id}:commit`],
    ]);
    const recorded = steps.flatMap((span) => (span.attributes ?? []).map((a) => JSON.stringify(a.value)));
    expect(recorded.filter((value) => value.includes(customer.id) || value.includes('Grace') || value.includes('@'))).toEqual([]);
  });
});

describe.skipIf(!natsUrl)('a write, its event and the store through NATS JetStream', () => {
  const run = randomBytes(4).toString('hex');
  const bus: EventBusSettings = { natsUrl: natsUrl ?? null, streamPrefix: `TEST_${run}`, subjectPrefix: `test_${run}` };
  let natsSystem: SystemUnderTest;

  beforeAll(async () => {
    natsSystem = await startSystem(DATA, {}, { reporting: true, eventBus: bus });
  }, 120_000);

  afterAll(async () => {
    await natsSystem?.close();
    const nc = await connectEventBus(natsUrl!, 'tracing-events cleanup');
    const jsm = await jetstreamManager(nc);
    for (const source of ['customers', 'catalog', 'orders'] as const) await jsm.streams.delete(streamOf(bus, source)).catch(() => false);
    await nc.close();
  });

  it('the message carries the write’s traceparent in its headers, and the consumer’s apply links to the write', async () => {
    const written = await traced<{ id: string }>('POST', `${url(natsSystem.customers)}/v1/customers`, { name: 'Nats Ada', email: 'nats-ada@example.org', country: 'GB' });
    expect(written.status).toBe(201);
    const write = await writeOf(natsSystem.customers, written.body.id, written.traceId);
    expect(await natsSystem.reporting!.relayAll()).toBeGreaterThan(0);

    const nc = await connectEventBus(natsUrl!, 'tracing-events test');
    try {
      const message = await (await jetstreamManager(nc)).streams.getMessage(streamOf(bus, 'customers'), { last_by_subj: subjectOf(bus, 'customers', 'customer.created.v1') });
      expect(message?.header.get('traceparent')).toBe(write.traceparent);
    } finally {
      await nc.close();
    }
    let rows: unknown[] = [];
    for (const until = Date.now() + 10_000; rows.length === 0 && Date.now() < until; await sleep(50)) rows = await natsSystem.reporting!.service.db.$queryRawUnsafe(`SELECT id FROM reporting_v1.customers WHERE id = $1`, written.body.id);
    expect(rows).toEqual([{ id: written.body.id }]);

    const spans = await flushed();
    expect(spans.find((span) => span.name === 'outbox publish' && linksTo(span, written.traceId, write.spanId))).toMatchObject({ kind: SPAN_KIND.PRODUCER });
    // The consumer takes batches off the broker outside any request: its apply is a root of its own, linked to each write.
    const apply = spans.find((span) => span.name === 'events apply' && linksTo(span, written.traceId, write.spanId));
    expect(apply).toMatchObject({ kind: SPAN_KIND.CONSUMER });
    expect(apply!.parentSpanId ?? '').toBe('');
  });
});
