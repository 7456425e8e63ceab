import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTracing, type Tracing } from '@tributary/core';
import { projectPath } from '@tributary/database';
import { freePorts } from '@tributary/testing';
import { graphql, startGateway, type GatewayUnderTest } from './support/gateway-under-test.js';
import { attributeOf as attribute, startOtlpReceiver, type OtlpReceiver, type OtlpSpan } from './support/otlp-receiver.js';
import { startSystem, type SystemUnderTest } from './support/system-under-test.js';

/**
 * Tracing on (issue 19): an OTLP/HTTP receiver of the test's own gets, for one orders
 * page with customers and products, one trace from the operation to the services' SQL,
 * across processes.
 *
 * The gateway runs as a process of its own, from its main.ts built by swc, with its own
 * tracer provider (service.name `gateway`, its default). The three services run in this
 * process, as every end-to-end test starts them (three more processes would need their
 * own seeding and boots, tens of seconds on this machine), sharing this process's
 * provider: OpenTelemetry's provider is global to a process, so they cannot have one
 * each and all report as SERVICES below. Their spans are still joined to the gateway's
 * by the traceparent header alone: the receiver gets two resources, and each service's
 * server span has a remote parent in the other one.
 */
const SERVICES = 'services-in-the-test-process';
const run = promisify(execFile);
const build = join('.test-build', `tracing-${process.pid}`);

const logLines: Array<Record<string, unknown>> = [];
let receiver: OtlpReceiver;
let received: OtlpSpan[];
let tracing: Tracing | null;
let system: SystemUnderTest;
let gateway: GatewayUnderTest;
let gatewayProcess: { child: ChildProcess; url: string; output: () => string };

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  received = receiver.received;
  const endpoint = receiver.endpoint;
  // The exporter reads its settings from the environment, as in production.
  process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
  tracing = await startTracing(SERVICES);
  const built = run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', '-d', build, '--quiet'], { cwd: projectPath() });
  system = await startSystem({ customers: 60, products: 40, orders: 150, seed: 3, until: new Date('2026-11-01T00:00:00Z') });
  const services = { customers: `http://127.0.0.1:${system.customers.port}`, orders: `http://127.0.0.1:${system.orders.port}`, catalog: `http://127.0.0.1:${system.catalog.port}` };
  const logs = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  gateway = await startGateway(services, { logLevel: 'info' }, { logDestination: logs });
  await built;
  const [port] = await freePorts(1);
  gatewayProcess = await spawnGateway(port!, {
    OTEL_EXPORTER_OTLP_ENDPOINT: endpoint,
    OTEL_BSP_SCHEDULE_DELAY: '50',
    GATEWAY_PORT: String(port),
    CUSTOMERS_URL: services.customers,
    ORDERS_URL: services.orders,
    CATALOG_URL: services.catalog,
    REPORTING_URL: 'off',
    RATE_LIMIT: 'off',
    LOG_LEVEL: 'warn',
  });
}, 120_000);

/** The gateway's main.ts in a process of its own, in development mode, answering /health. */
async function spawnGateway(port: number, env: Record<string, string>) {
  const base = { ...process.env };
  for (const name of ['NODE_ENV', 'SERVICE_TOKEN_SECRET', 'CURSOR_SECRET', 'OTEL_SERVICE_NAME', 'OTEL_RESOURCE_ATTRIBUTES']) delete base[name];
  const child = spawn(process.execPath, [projectPath(build, 'apps/gateway/src/main.js')], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const url = `http://127.0.0.1:${port}`;
  for (let tries = 0; ; tries++) {
    if (child.exitCode !== null || tries > 300) throw new Error(`the gateway did not start: ${output}`);
    if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) return { child, url, output: () => output };
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

afterAll(async () => {
  if (gatewayProcess) {
    const exited = new Promise((resolve) => gatewayProcess.child.once('exit', resolve));
    gatewayProcess.child.kill('SIGTERM');
    await exited;
  }
  rmSync(projectPath(build), { recursive: true, force: true });
  await gateway?.close();
  await system?.close();
  await tracing?.shutdown();
  delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  await receiver?.close();
});

const QUERY = `
  query OrdersPage($first: Int!) {
    orders(first: $first) {
      edges { node { id customer { id name } lines { quantity product { id title } } } }
    }
  }`;

/** A table each service reads to answer its call. */
const TABLES: Record<string, RegExp> = { customers: /FROM\W+(\w+\W+)?customers\b/, orders: /FROM\W+(\w+\W+)?orders\b/, catalog: /FROM\W+(\w+\W+)?products\b/ };

describe('one trace from the GraphQL operation to the services’ SQL', () => {
  it('holds the operation, its parse/validate/execute, a span per loader batch, the three downstream calls, each service’s request and its SQL statements', async () => {
    const response = await fetch(`${gatewayProcess.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY, variables: { first: 100 } }) });
    const body = (await response.json()) as { data: { orders: { edges: Array<{ node: { customer: { id: string } } }> } }; errors?: unknown; extensions: { downstream: { traceId?: string } } };
    expect(body.errors).toBeUndefined();
    expect(body.data.orders.edges).toHaveLength(100);
    await tracing!.forceFlush();
    // The gateway process sends its spans every 50 ms (OTEL_BSP_SCHEDULE_DELAY).
    for (let waited = 0; !received.some((span) => span.service === 'gateway' && span.name === 'query OrdersPage') && waited < 5000; waited += 50) await new Promise((resolve) => setTimeout(resolve, 50));

    const operation = received.find((span) => span.service === 'gateway' && span.name === 'query OrdersPage')!;
    expect(operation, gatewayProcess.output()).toBeDefined();
    expect(attribute(operation, 'graphql.operation.name')).toBe('OrdersPage');
    expect(attribute(operation, 'graphql.document.hash')).toMatch(/^sha256:[0-9a-f]{64}$/);
    // In development the response names its trace, to look it up in the tracing tool.
    expect(body.extensions.downstream.traceId).toBe(operation.traceId);
    const trace = received.filter((span) => span.traceId === operation.traceId);
    const byId = new Map(trace.map((span) => [span.spanId, span]));
    const childrenOf = (parent: OtlpSpan) => trace.filter((span) => span.parentSpanId === parent.spanId);
    const descendsFrom = (span: OtlpSpan, ancestor: OtlpSpan): boolean => {
      for (let at = byId.get(span.parentSpanId ?? ''); at; at = byId.get(at.parentSpanId ?? '')) if (at === ancestor) return true;
      return false;
    };
    // The operation is the root of its trace: every other span of the trace is under it.
    expect(operation.parentSpanId ?? '').toBe('');
    expect(trace.filter((span) => span !== operation && !descendsFrom(span, operation))).toEqual([]);
    expect(childrenOf(operation).map((span) => span.name)).toEqual(expect.arrayContaining(['graphql.parse', 'graphql.validate', 'graphql.execute']));

    const calls = trace.filter((span) => span.kind === 3 /* CLIENT */ && attribute(span, 'tributary.service') !== undefined);
    expect(calls.map((span) => span.name).sort()).toEqual(['GET orders /v1/orders', 'POST catalog /v1/products:batchGet', 'POST customers /v1/customers:batchGet']);
    // Two processes, one trace: the gateway's spans from its own provider, the services' from this process's.
    expect(new Set(trace.map((span) => span.service))).toEqual(new Set(['gateway', SERVICES]));
    for (const call of calls) {
      expect(call.service).toBe('gateway');
      expect(attribute(call, 'http.response.status_code')).toBe(200);
      expect(attribute(call, 'tributary.retries')).toBe(0);
      expect(attribute(call, 'tributary.breaker.state')).toBe('closed');
    }
    // The batched lookups are each a loader batch's child, with its key count.
    const customersCall = calls.find((span) => span.name.startsWith('POST customers'))!;
    const batch = byId.get(customersCall.parentSpanId!)!;
    expect(batch.name).toBe('dataloader customerById');
    const customerIds = new Set(body.data.orders.edges.map((edge) => edge.node.customer.id));
    expect(attribute(batch, 'dataloader.keys')).toBe(customerIds.size);

    // Each call reached its service, which continued the trace (a remote parent: it came in the traceparent header)…
    for (const call of calls) {
      const [server, ...others] = childrenOf(call);
      expect({ call: call.name, servers: [server?.name, ...others.map((o) => o.name)] }).toEqual({ call: call.name, servers: [`${call.name.split(' ')[0]} ${attribute(call, 'http.route')}`] });
      expect(server!.kind).toBe(2 /* SERVER */);
      expect(server!.service).toBe(SERVICES);
      expect(server!.flags! & 0x300).toBe(0x300);
      // …and its SQL statements are under that request.
      const statements = trace.filter((span) => span.name === 'prisma:client:db_query' && descendsFrom(span, server!));
      expect(statements.length, call.name).toBeGreaterThan(0);
      expect(statements.map((statement) => String(attribute(statement, 'db.query.text'))).filter((sql) => TABLES[String(attribute(call, 'tributary.service'))]!.test(sql))).not.toEqual([]);
    }
    // Statements outside any request (start-up checks, background polling) make no trace of their own.
    expect(received.filter((span) => span.name.startsWith('prisma:') && !span.parentSpanId).map((span) => span.name)).toEqual([]);
    // Nothing of the variables' values is recorded.
    expect(trace.flatMap((span) => span.attributes ?? []).filter((a) => a.key.includes('variables'))).toEqual([]);
  });

  it('every log line written under a span carries its trace_id and span_id (a gateway in this process, whose log lines the test reads)', async () => {
    logLines.length = 0;
    await graphql(gateway, QUERY, { first: 3 });
    await tracing!.forceFlush();
    const line = logLines.find((entry) => (entry.req as { url?: string } | undefined)?.url === '/graphql');
    expect(line).toMatchObject({ trace_id: expect.stringMatching(/^[0-9a-f]{32}$/), span_id: expect.stringMatching(/^[0-9a-f]{16}$/) });
    const operation = received.find((span) => span.spanId === line!.span_id && span.service === SERVICES);
    expect(operation?.name).toBe('query OrdersPage');
    expect(operation?.traceId).toBe(line!.trace_id);
  });
});
