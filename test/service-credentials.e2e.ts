import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { SignJWT, UnsecuredJWT } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auditCommandFromArgs, auditContract } from '@tributary/batch-api';
import { REPORTING_TABLES, type Product } from '@tributary/contracts';
import { SERVICE_TOKEN_AUDIENCE, ServiceCredential, type ServiceCredentialSettings } from '@tributary/core';
import { projectPath } from '@tributary/database';
import { pumpConfigFromEnv, PumpScheduler } from '@tributary/pump-kit';
import { freePorts, startService, TestDatabases, type ServiceUnderTest } from '@tributary/testing';
import { catalogService } from '../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersServiceWith } from '../apps/orders/src/orders-app.module.js';
import { placementConfigFromEnv } from '../apps/orders/src/placement/placement.config.js';
import { reportingServiceWith } from '../apps/reporting/src/reporting-app.module.js';
import { reportingConfigFromEnv, type ReportingConfig } from '../apps/reporting/src/reporting.config.js';
import { graphql, startGateway, type GatewayUnderTest } from './support/gateway-under-test.js';
import { listening, type ListeningService } from './support/placement-world.js';

/**
 * Service credentials (issue 13, item 4): with SERVICE_TOKEN_SECRET, as production
 * requires, a service answers nothing but /health to a call without a valid service
 * token, and every app's own calls (the gateway's, the pumps', the placement
 * orchestrator's, the reporting app's reconciliation) carry one.
 */
const SECRET = randomBytes(32).toString('base64url');
const OTHER_SECRET = randomBytes(32).toString('base64url');
/** What NODE_ENV=production with SERVICE_TOKEN_SECRET gives a service (serviceCredentialSettingsFromEnv), for the apps started in this process. */
const SETTINGS: ServiceCredentialSettings = { secret: SECRET, acceptedSecrets: [], required: true };
const run = promisify(execFile);
const build = join('.test-build', `service-credentials-${process.pid}`);
const folder = mkdtempSync(join(tmpdir(), 'tributary-service-credentials-'));
const databases = new TestDatabases();

beforeAll(async () => {
  await run(projectPath('node_modules/.bin/swc'), ['apps', 'libs', '-d', build, '--quiet'], { cwd: projectPath() });
}, 120_000);

afterAll(async () => {
  await databases.dropAll();
  rmSync(projectPath(build), { recursive: true, force: true });
  rmSync(folder, { recursive: true, force: true });
});

/** The environment of a process of ours: none of the caller's secrets or mode leak in, whatever the shell has set. */
function cleanEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  const base = { ...process.env };
  for (const name of ['NODE_ENV', 'SERVICE_TOKEN_SECRET', 'SERVICE_TOKEN_ACCEPTED_SECRET', 'PAGE_TOKEN_SECRET', 'CURSOR_SECRET']) delete base[name];
  return { ...base, LOG_LEVEL: 'warn', PUMP_SCHEDULE: 'off', SEED_ON_START: 'off', ...env };
}

function spawnApp(script: string, env: NodeJS.ProcessEnv): { child: ChildProcess; output: () => string; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [projectPath(build, script)], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

describe('production mode without its secrets', () => {
  const production = (env: Record<string, string> = {}) => cleanEnv({ NODE_ENV: 'production', TRIBUTARY_DATA_DIR: join(folder, 'unused'), ...env });

  it.each([
    ['customers service', 'apps/customers/src/main.js', production(), ['SERVICE_TOKEN_SECRET', 'PAGE_TOKEN_SECRET']],
    ['customers service with PAGE_TOKEN_SECRET only', 'apps/customers/src/main.js', production({ PAGE_TOKEN_SECRET: 'a-page-token-secret-of-16+' }), ['SERVICE_TOKEN_SECRET']],
    ['reporting app', 'apps/reporting/src/main.js', production({ REPORTING_SQL_PORT: 'off' }), ['SERVICE_TOKEN_SECRET', 'PAGE_TOKEN_SECRET']],
    ['gateway', 'apps/gateway/src/main.js', production(), ['SERVICE_TOKEN_SECRET']],
  ])('the %s refuses to start, naming each secret it lacks', async (_name, script, env, missing) => {
    const app = spawnApp(script, env);
    expect(await app.exited, app.output()).not.toBe(0);
    for (const name of missing) expect(app.output()).toContain(name);
    // Named only when missing: the one that is set is not listed.
    if (!missing.includes('PAGE_TOKEN_SECRET') && script.includes('customers')) expect(app.output()).not.toContain('PAGE_TOKEN_SECRET');
  });

  it('refuses a SERVICE_TOKEN_SECRET shorter than 32 characters', async () => {
    const app = spawnApp('apps/customers/src/main.js', production({ SERVICE_TOKEN_SECRET: 'too-short', PAGE_TOKEN_SECRET: 'a-page-token-secret-of-16+' }));
    expect(await app.exited).not.toBe(0);
    expect(app.output()).toContain('SERVICE_TOKEN_SECRET must have at least 32 characters');
  });
});

describe('a service started in production mode with its secrets', () => {
  let service: ReturnType<typeof spawnApp>;
  let url: string;

  beforeAll(async () => {
    const [port] = await freePorts(1);
    const database: Record<string, string> = databases.kind === 'postgres' ? { CUSTOMERS_DATABASE_URL: (await databases.create('customers')).url! } : { CUSTOMERS_DATA_DIR: join(folder, 'customers') };
    service = spawnApp('apps/customers/src/main.js', cleanEnv({ NODE_ENV: 'production', SERVICE_TOKEN_SECRET: SECRET, PAGE_TOKEN_SECRET: 'a-page-token-secret-of-16+', CUSTOMERS_PORT: String(port), ...database }));
    url = `http://127.0.0.1:${port}`;
    for (let tries = 0; ; tries++) {
      if (service.child.exitCode !== null) throw new Error(`the customers service exited: ${service.output()}`);
      if (await fetch(`${url}/health`).then((response) => response.ok, () => false)) break;
      if (tries > 900) throw new Error(`the customers service did not answer /health: ${service.output()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }, 120_000);

  afterAll(async () => {
    if (service && service.child.exitCode === null) {
      service.child.kill('SIGTERM');
      await service.exited;
    }
  });

  const now = () => Math.floor(Date.now() / 1000);
  const BAD_CREDENTIALS: Array<[string, () => Promise<string | undefined>]> = [
    ['no credential', async () => undefined],
    ['a token signed with another secret', () => new ServiceCredential(OTHER_SECRET, 'intruder').authorization()],
    // Minted with a clock 15 minutes behind: it expired 10 minutes ago.
    ['an expired token', () => new ServiceCredential(SECRET, 'gateway', () => Date.now() - 15 * 60_000).authorization()],
    ['an unsigned token (alg: none)', async () => `Bearer ${new UnsecuredJWT({}).setIssuer('gateway').setAudience(SERVICE_TOKEN_AUDIENCE).setIssuedAt(now()).setExpirationTime(now() + 300).encode()}`],
    ['a token for another audience', async () => `Bearer ${await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('gateway').setAudience('somewhere-else').setIssuedAt().setExpirationTime('5m').sign(new TextEncoder().encode(SECRET))}`],
    ['a credential that is not a bearer token', async () => `Basic ${Buffer.from(`gateway:${SECRET}`).toString('base64')}`],
  ];

  it.each(BAD_CREDENTIALS)('answers 401 problem+json with WWW-Authenticate: Bearer to a call with %s, before reading its body', async (what, credential) => {
    const authorization = await credential();
    let call = request(url).post('/v1/customers:batchGet').set('content-type', 'application/json');
    if (authorization !== undefined) call = call.set('authorization', authorization);
    // Not JSON: a body that were parsed would be a 400.
    const response = await call.send('{"ids": [');
    expect(response.status).toBe(401);
    expect(response.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(response.headers['www-authenticate']).toMatch(authorization === undefined ? /^Bearer realm="tributary-services"$/ : /^Bearer realm="tributary-services", error="invalid_token", error_description=".+"$/);
    expect(response.body).toMatchObject({ status: 401, code: 'UNAUTHENTICATED', title: 'Unauthorized', instance: '/v1/customers:batchGet', detail: expect.any(String) });
    if (what === 'an expired token') expect(response.body.detail).toBe('the service token has expired');
  });

  it('serves a call with a valid credential, and /health without one', async () => {
    const authorization = await new ServiceCredential(SECRET, 'gateway').authorization();
    const created = await request(url).post('/v1/customers').set('authorization', authorization).send({ name: 'Credentialed', email: `credentialed-${process.pid}@example.com`, country: 'DE' });
    expect(created.status).toBe(201);
    const found = await request(url).post('/v1/customers:batchGet').set('authorization', authorization).send({ ids: [created.body.id] });
    expect(found.status).toBe(200);
    expect(found.body.results).toEqual([{ id: created.body.id, customer: expect.objectContaining({ id: created.body.id, name: 'Credentialed' }) }]);

    const health = await request(url).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  });

  it('keeps its API documents behind the credential: they map every internal endpoint', async () => {
    const authorization = await new ServiceCredential(SECRET, 'contract-audit').authorization();
    for (const path of ['/openapi.json', '/docs', '/asyncapi.json']) {
      expect((await request(url).get(path)).status, path).toBe(401);
      expect((await request(url).get(path).set('authorization', authorization)).status, path).not.toBe(401);
    }
    expect((await request(url).get('/openapi.json').set('authorization', authorization)).status).toBe(200);
  });

  it('npm run audit:contract audits it with SERVICE_TOKEN_SECRET from its environment, and is refused without', async () => {
    const openApiAudit = async (env: Record<string, string>) => {
      const report = await auditContract(auditCommandFromArgs([url, '--resource', 'customers'], env).options);
      return report.results.find((result) => result.name === 'openapi.document');
    };
    expect(await openApiAudit({ SERVICE_TOKEN_SECRET: SECRET })).toMatchObject({ result: 'ok' });
    // Without it, every path it reads the document from answered 401.
    expect(await openApiAudit({})).toMatchObject({ result: 'error', reason: expect.stringContaining('no OpenAPI document at /openapi.json') });
  });
});

describe('the gateway, the services and the reporting app sharing one SERVICE_TOKEN_SECRET', () => {
  const DATA = { customers: 40, products: 30, orders: 150, seed: 11, until: new Date('2026-11-01T00:00:00Z') };
  const suffix = randomBytes(4).toString('hex');
  let customers: ListeningService;
  let catalog: ListeningService;
  let orders: ListeningService;
  let reporting: ServiceUnderTest & { url: string };
  let gateway: GatewayUnderTest;
  let reportingConfig: ReportingConfig;
  let authorization: string;

  beforeAll(async () => {
    authorization = await new ServiceCredential(SECRET, 'test').authorization();
    const [reportingPort] = await freePorts(1);
    const reportingUrl = `http://127.0.0.1:${reportingPort}`;
    // The services' own pump modules deliver to the reporting app: with the credential their ServiceKitModule gives them.
    const config = { serviceCredential: SETTINGS, pump: pumpConfigFromEnv({ REPORTING_URL: reportingUrl, PUMP_SCHEDULE: 'off' }) };
    [customers, catalog] = await Promise.all([listening(startService(customersService, databases, { data: DATA, config })), listening(startService(catalogService, databases, { data: DATA, config }))]);
    const placement = placementConfigFromEnv({ CUSTOMERS_URL: customers.url, CATALOG_URL: catalog.url, PLACEMENT_POLL_MS: '50', PLACEMENT_RETRY_BASE_MS: '20' });
    orders = await listening(startService(ordersServiceWith(() => placement), databases, { data: DATA, config }));
    // Roles belong to the whole PostgreSQL server: this file's own, dropped with its databases.
    reportingConfig = reportingConfigFromEnv({
      CUSTOMERS_URL: customers.url,
      ORDERS_URL: orders.url,
      CATALOG_URL: catalog.url,
      REPORTING_SQL_PORT: 'off',
      REPORTING_READER_ROLE: `reporting_reader_${suffix}`,
      REPORTING_PUMP_ROLE_PREFIX: `tributary_pump_${suffix}_`,
      TRIBUTARY_DATA_DIR: join(folder, 'reporting'),
    });
    const store = await startService(reportingServiceWith(() => reportingConfig), databases, { config: { serviceCredential: SETTINGS } });
    await store.app.listen(reportingPort!, '127.0.0.1');
    reporting = { ...store, url: reportingUrl };
    gateway = await startGateway({ customers: customers.url, orders: orders.url, catalog: catalog.url }, { serviceCredential: SETTINGS, reportingUrl });
  }, 180_000);

  afterAll(async () => {
    await gateway?.close();
    for (const service of [orders, customers, catalog, reporting]) await service?.close();
    await databases.dropAll();
    for (const role of [reportingConfig?.reader.role, ...REPORTING_TABLES.map((table) => `tributary_pump_${suffix}_${table}`)]) if (role) await databases.dropRole(role);
  });

  it('each of them refuses a call without the credential: nothing below passes on an open door', async () => {
    const calls: Array<[string, string]> = [
      [customers.url, '/v1/customers'],
      [orders.url, '/v1/orders'],
      [catalog.url, '/v1/products'],
      [reporting.url, '/v1/freshness'],
    ];
    for (const [base, path] of calls) {
      expect((await request(base).get(path)).status, `${base}${path}`).toBe(401);
      expect((await request(base).get(path).set('authorization', authorization)).status, `${base}${path}`).toBe(200);
    }
  });

  it("the services' pumps deliver into the reporting store with their credentials", async () => {
    const results = (await Promise.all([customers, catalog, orders].map((service) => service.app.get(PumpScheduler).runAll()))).flat();
    expect(results.map((result) => result.table).sort()).toEqual(['customers', 'orders', 'products', 'rates']);
    for (const result of results) {
      expect(result.rowsRead, result.table).toBeGreaterThan(0);
      expect(result.rowsApplied, result.table).toBe(result.rowsRead);
    }
  });

  it('the gateway answers a query whose data comes from the services and the store (reconciled by the reporting app calling the services)', async () => {
    const rows = await customers.db.$queryRawUnsafe<Array<{ id: string; name: string }>>('SELECT id, name FROM customers ORDER BY id LIMIT 3');
    const response = await graphql(
      gateway,
      `query($ids: [ID!]!) {
        customers(ids: $ids) { id name }
        reporting { reconciliation { table matches error } }
        reports { topCustomers(from: "2025-11-01T00:00:00Z", to: "2026-11-01T00:00:00Z", limit: 5, currency: EUR, source: LIVE) { customer { id name } revenueCents orderCount } }
      }`,
      { ids: rows.map((row) => row.id) },
    );
    expect(response.body.errors).toBeUndefined();
    expect(response.body.data.customers).toEqual(rows);
    expect(response.body.data.reporting.reconciliation).toEqual(
      expect.arrayContaining(['customers', 'orders', 'products', 'rates'].map((table) => ({ table, matches: true, error: null }))),
    );
    const live = response.body.data.reports.topCustomers;
    expect(live).toHaveLength(5);

    const stored = await graphql(gateway, `{ reports { topCustomers(from: "2025-11-01T00:00:00Z", to: "2026-11-01T00:00:00Z", limit: 5, currency: EUR, source: REPORTING) { customer { id name } revenueCents orderCount } } }`);
    expect(stored.body.errors).toBeUndefined();
    expect(stored.body.data.reports.topCustomers).toEqual(live);

    const health = await request(gateway.http).get('/health');
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');
  });

  it("a placement goes through: the orchestrator's calls to customers and catalog carry the orders service's credential", async () => {
    const [product] = await catalog.db.$queryRawUnsafe<Array<Pick<Product, 'id' | 'priceCents'>>>(`SELECT id, price_cents::float8 AS "priceCents" FROM products WHERE currency = 'EUR' ORDER BY price_cents LIMIT 1`);
    const [buyer] = await customers.db.$queryRawUnsafe<Array<{ id: string }>>('SELECT id FROM customers ORDER BY id LIMIT 1');
    expect((await request(catalog.url).put(`/v1/stockLevels/${product!.id}`).set('authorization', authorization).send({ stockOnHand: 5 })).status).toBe(200);

    const placed = await graphql(gateway, 'mutation($input: PlaceOrderInput!) { placeOrder(input: $input) { id state } }', {
      input: { idempotencyKey: `service-credentials-${process.pid}`, customerId: buyer!.id, currency: 'EUR', lines: [{ productId: product!.id, quantity: 2 }] },
    });
    expect(placed.body.errors).toBeUndefined();
    const followed = await graphql(gateway, 'query($id: ID!) { orderPlacement(id: $id, waitSeconds: 20) { state reason reasonDetail totalCents order { status } } }', { id: placed.body.data.placeOrder.id });
    expect(followed.body.errors).toBeUndefined();
    expect(followed.body.data.orderPlacement).toEqual({ state: 'CONFIRMED', reason: null, reasonDetail: null, totalCents: 2 * product!.priceCents, order: { status: 'PLACED' } });
    const level = await request(catalog.url).post('/v1/stockLevels:batchGet').set('authorization', authorization).send({ ids: [product!.id] });
    expect(level.body.results[0].stockLevel).toMatchObject({ stockOnHand: 3, reserved: 0 });
  });
});
