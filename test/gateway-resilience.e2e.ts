import http from 'node:http';
import type { AddressInfo } from 'node:net';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startSystem, type SystemUnderTest } from './support/system-under-test.js';

const DATA = { customers: 200, products: 100, orders: 600, seed: 5, until: new Date('2026-11-01T00:00:00Z') };
let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem(DATA, { downstreamTimeoutMs: 1000, downstreamAttempts: 2, breakerThreshold: 3, breakerHalfOpenAfterMs: 1500 });
});

afterAll(async () => {
  await system?.close();
});

const QUERY = `{ orders(first: 20) { edges { node { id customer { name } lines { productId product { title } } } } } }`;

interface Edge {
  node: { id: string; customer: { name: string } | null; lines: Array<{ productId: string; product: { title: string } | null }> };
}

const circuitOf = async (service: string) => (await request(system.gateway.http).get('/health')).body.services[service].circuit;

describe('a service that stops answering', () => {
  it('gives the other services\' data, errors on exactly the fields it owns, then opens its circuit, and closes it when it is back', async () => {
    const healthy = await graphql(system.gateway, QUERY);
    expect(healthy.body.errors).toBeUndefined();

    await system.catalog.stop();

    // Partial results: orders and customers come, every product is null with an error at its path.
    const partial = await graphql(system.gateway, QUERY);
    expect(partial.status).toBe(200);
    const edges: Edge[] = partial.body.data.orders.edges;
    expect(edges.map((e) => e.node.id)).toEqual(healthy.body.data.orders.edges.map((e: Edge) => e.node.id));
    expect(edges.map((e) => e.node.customer)).toEqual(healthy.body.data.orders.edges.map((e: Edge) => e.node.customer));
    const linePaths = edges.flatMap((e, i) => e.node.lines.map((_, j) => ['orders', 'edges', i, 'node', 'lines', j, 'product']));
    expect(edges.flatMap((e) => e.node.lines.map((l) => l.product))).toEqual(linePaths.map(() => null));
    expect(partial.body.errors.map((e: { path: unknown[] }) => e.path)).toEqual(expect.arrayContaining(linePaths));
    expect(partial.body.errors).toHaveLength(linePaths.length);
    for (const error of partial.body.errors) expect(error.extensions).toMatchObject({ code: 'DOWNSTREAM_UNAVAILABLE', service: 'catalog' });
    // Two attempts (one retry) of the one batch call.
    expect(partial.body.extensions.downstream.catalog).toMatchObject({ calls: 2 });

    // The third consecutive failure opens the circuit: then the gateway fails fast, without calling.
    await graphql(system.gateway, QUERY);
    expect(await circuitOf('catalog')).toBe('open');
    const failingFast = await graphql(system.gateway, QUERY);
    expect(failingFast.body.extensions.downstream.catalog).toEqual({ calls: 0, keys: 0 });
    expect(failingFast.body.errors[0]).toMatchObject({ message: 'catalog: circuit open after repeated failures; not called', extensions: { code: 'DOWNSTREAM_UNAVAILABLE', service: 'catalog' } });
    expect(failingFast.body.data.orders.edges.map((e: Edge) => e.node.customer)).toEqual(healthy.body.data.orders.edges.map((e: Edge) => e.node.customer));
    const health = await request(system.gateway.http).get('/health').expect(503);
    expect(health.body.services.customers.status).toBe('up');
    expect(health.body.services.catalog.status).toBe('down');

    await system.catalog.resume();
    await new Promise((resolve) => setTimeout(resolve, 1600));
    const recovered = await graphql(system.gateway, QUERY);
    expect(recovered.body.errors).toBeUndefined();
    expect(recovered.body.data).toEqual(healthy.body.data);
    expect(await circuitOf('catalog')).toBe('closed');
  });

  it('a service that does not answer in time gives errors at its fields within the timeout, not a hang', async () => {
    await system.customers.stop();
    // A server that accepts connections but never answers: the worst case for a caller.
    const net = await import('node:net');
    const sockets = new Set<import('node:net').Socket>();
    const silent = net.createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(system.customers.port, '127.0.0.1', () => resolve()));
    try {
      const response = await graphql(system.gateway, `{ orders(first: 5) { edges { node { id customer { name } } } } }`);
      expect(response.body.data.orders.edges).toHaveLength(5);
      expect(response.body.data.orders.edges.map((e: Edge) => e.node.customer)).toEqual([null, null, null, null, null]);
      expect(response.body.errors[0].extensions).toMatchObject({ code: 'DOWNSTREAM_UNAVAILABLE', service: 'customers' });
      expect(response.body.errors[0].message).toBe('customers: no answer within the timeout');
    } finally {
      await new Promise<void>((resolve) => {
        silent.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      await system.customers.resume();
    }
  });
});

describe('a client that goes away before its answer', () => {
  it('stops the calls made for it, without counting them against the services', async () => {
    // One call per key: a page of 600 orders means hundreds of calls to each service.
    // A generous timeout, so that only the client's leaving can cut them short.
    const naive = await startGatewayOnPort({ batching: false, downstreamTimeoutMs: 30_000 });
    const calls = () => system.customers.requests.count + system.catalog.requests.count;
    const before = calls();
    const client = http.request(`${naive.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' } });
    client.on('error', () => {});
    client.end(JSON.stringify({ query: `{ orders(first: 600) { edges { node { customer { name } lines { product { title } } } } } }` }));
    await expect.poll(() => calls() - before, { interval: 5, timeout: 10_000 }).toBeGreaterThan(0);
    client.destroy();

    // Calls in flight finish; nothing new starts. Settled well short of one per key.
    await expect.poll(async () => {
      const seen = calls();
      await new Promise((resolve) => setTimeout(resolve, 300));
      return calls() === seen;
    }).toBe(true);
    expect(calls() - before).toBeLessThan(600);

    // The abandoned calls opened no circuit: the next request gets everything.
    const health = await request(naive.gateway.http).get('/health');
    expect(Object.values(health.body.services).map((s) => (s as { circuit: string }).circuit)).toEqual(['closed', 'closed', 'closed']);
    const next = await graphql(naive.gateway, QUERY);
    expect(next.body.errors).toBeUndefined();
    await naive.gateway.close();
  });
});

/** Another gateway over the same services, listening on a real port (a client must be able to hang up). */
async function startGatewayOnPort(overrides: Parameters<SystemUnderTest['startGateway']>[0]) {
  const gateway = await system.startGateway(overrides);
  await gateway.app.listen(0, '127.0.0.1');
  return { gateway, url: `http://127.0.0.1:${(gateway.http.address() as AddressInfo).port}` };
}
