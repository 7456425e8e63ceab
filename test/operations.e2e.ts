import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogService } from '../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { type ServiceUnderTest, startService, TestDatabases } from '@tributary/testing';

const databases = new TestDatabases();
const services = [
  { definition: customersService, collection: 'customers', ownPaths: [] },
  { definition: catalogService, collection: 'products', ownPaths: [] },
  { definition: ordersService, collection: 'orders', ownPaths: ['/v1/orders:batchGetByCustomer', '/v1/orders:aggregate'] },
] as const;
const running = new Map<string, ServiceUnderTest>();

beforeAll(async () => {
  for (const { definition, collection } of services) running.set(collection, await startService(definition, databases));
});

afterAll(async () => {
  for (const service of running.values()) await service.close();
  await databases.dropAll();
});

/** The src/href of every <script> and <link> tag of an HTML page. */
const assetsOf = (html: string) => [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)\s*=\s*["']([^"']+)["']/gi)].map((match) => match[1]!);

describe.each(services)('$definition.service service', ({ collection, ownPaths }) => {
  const service = () => running.get(collection)!;

  it('GET /health answers 200 with the database up', async () => {
    const response = await request(service().http).get('/health').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body).toEqual({ status: 'ok', checks: { database: { status: 'up', ms: expect.any(Number) } } });
  });

  it('GET /openapi.json documents the batch contract under the paths clients call', async () => {
    const response = await request(service().http).get('/openapi.json').expect(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    const paths: Record<string, Record<string, unknown>> = response.body.paths;
    expect(Object.keys(paths)).toEqual(expect.arrayContaining([`/v1/${collection}:batchGet`, `/v1/${collection}`, `/v1/${collection}/{id}`, '/health', ...ownPaths]));
    expect(Object.keys(paths).filter((path) => path.includes('\\'))).toEqual([]);
    expect(Object.keys(paths[`/v1/${collection}:batchGet`]!)).toContain('post');
    expect(Object.keys(paths[`/v1/${collection}`]!)).toContain('get');
    expect(Object.keys(paths[`/v1/${collection}/{id}`]!)).toContain('get');
    for (const path of ownPaths) expect(Object.keys(paths[path]!)).toContain('post');
  });

  it.each(['/docs', '/docs/'])('GET %s serves the docs page from the service itself, with every asset it loads', async (page) => {
    const response = await request(service().http).get(page).expect(200);
    expect(response.headers['content-type']).toMatch(/^text\/html/);
    const assets = assetsOf(response.text);
    expect(assets.filter((asset) => /^(https?:)?\/\//i.test(asset))).toEqual([]);
    expect(assets.some((asset) => asset.endsWith('swagger-ui-bundle.js'))).toBe(true);
    const base = new URL(page, 'http://service.test');
    for (const asset of assets) {
      const url = new URL(asset, base);
      const fetched = await request(service().http).get(url.pathname + url.search);
      expect({ asset, status: fetched.status }).toEqual({ asset, status: 200 });
      expect(Number(fetched.headers['content-length'])).toBeGreaterThan(0);
    }
  });
});

describe('a service stopped and started again on the same PGlite data directory', () => {
  // The data directory is the database here: no server database, even when TEST_DATABASE_URL is set.
  const noServer = new TestDatabases('');
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tributary-restart-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('still has the customer created before the shutdown', async () => {
    const config = { database: { dataDir } };
    const first = await startService(customersService, noServer, { config });
    let created: request.Response;
    try {
      created = await request(first.http).post('/v1/customers').send({ name: 'Grace Hopper', email: 'grace@example.com', country: 'us' }).expect(201);
    } finally {
      await first.close();
    }
    expect(created.body).toMatchObject({ name: 'Grace Hopper', email: 'grace@example.com', country: 'US' });

    const second = await startService(customersService, noServer, { config });
    try {
      const found = await request(second.http).get(`/v1/customers/${created.body.id}`).expect(200);
      expect(found.body).toEqual(created.body);
      const listed = await request(second.http).get('/v1/customers').expect(200);
      expect(listed.body.customers).toEqual([created.body]);
    } finally {
      await second.close();
    }
  });
});
