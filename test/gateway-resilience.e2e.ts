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
    expect(edges.every((e) => e.node.customer?.name)).toBe(true);
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
    expect(failingFast.body.errors[0].message).toMatch(/circuit open/);
    expect(failingFast.body.data.orders.edges[0].node.customer.name).toBeTruthy();
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
      expect(response.body.errors[0].message).toMatch(/timeout/);
    } finally {
      await new Promise<void>((resolve) => {
        silent.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      await system.customers.resume();
    }
  });
});
