import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type CryptoKey } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ACCESS_LIST, mayUse, rolesOf } from '../../apps/gateway/src/auth/access-list.js';
import { ApiKeyStore } from '../../apps/gateway/src/auth/api-key-store.js';
import { ROLES, type Role } from '../../apps/gateway/src/auth/principal.js';
import { gatewayConfigFromEnv } from '../../apps/gateway/src/gateway.config.js';
import { startGatewayOverFakes, type FakeDownstream, type GatewayUnderTest } from '../support/gateway-under-test.js';

const ISSUER = 'https://id.example.test/';
const AUDIENCE = 'tributary-gateway';
const ID = '018b9b6d-6640-7111-a22f-1be629e1e566';

/**
 * One document per root field, the smallest that reaches its resolver. The access list
 * says who may use each field; this table only says how to call it, and must name every
 * field of the list (checked below), so a field added to the schema cannot go untested.
 */
const CALL_OF: Record<string, string> = {
  'Query.customer': `{ customer(id: "${ID}") { id } }`,
  'Query.customers': `{ customers(ids: ["${ID}"]) { id } }`,
  'Query.allCustomers': '{ allCustomers(first: 1) { edges { node { id } } } }',
  'Query.product': `{ product(id: "${ID}") { id } }`,
  'Query.products': `{ products(ids: ["${ID}"]) { id } }`,
  'Query.orders': '{ orders(first: 1) { edges { node { id } } } }',
  'Query.reports': '{ reports { salesByMonth(from: "2026-01-01T00:00:00Z", to: "2026-02-01T00:00:00Z", source: LIVE) { month } } }',
  'Query.reporting': '{ reporting { freshness { table } } }',
  'Query.export': '{ export(id: "operations/x") { id } }',
  'Query.exports': '{ exports { nodes { id } } }',
  'Mutation.startExport': 'mutation { startExport(input: { dataset: "sales", format: CSV }) { id } }',
  'Mutation.cancelExport': 'mutation { cancelExport(id: "operations/x") { id } }',
  'Mutation.placeOrder': `mutation { placeOrder(input: { idempotencyKey: "k1", customerId: "${ID}", currency: "EUR", lines: [{ productId: "${ID}", quantity: 1 }] }) { id } }`,
  'Query.orderPlacement': `{ orderPlacement(id: "${ID}") { id } }`,
};

interface JwtIssuer {
  url: string;
  privateKey: CryptoKey;
  sign(claims: Record<string, unknown>, options?: { issuer?: string; audience?: string; expiresIn?: string | number; key?: CryptoKey; kid?: string }): Promise<string>;
  close(): Promise<void>;
}

/** An identity provider: a key pair, its JWKS on loopback, and tokens it signs. */
async function startJwtIssuer(): Promise<JwtIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  const server: Server = createServer((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    privateKey,
    sign: (claims, options = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: options.kid ?? 'k1' })
        .setSubject(String(claims.sub ?? 'user-1'))
        .setIssuer(options.issuer ?? ISSUER)
        .setAudience(options.audience ?? AUDIENCE)
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(options.key ?? privateKey),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** What the gateway logs, line by line, for the audit assertions. */
class LogLines extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
  audit() {
    return this.lines.filter((line) => line.audit === true);
  }
}

let gateway: GatewayUnderTest;
let fakes: FakeDownstream;
let close: () => Promise<void>;
let issuer: JwtIssuer;
let keyFolder: string;
let store: ApiKeyStore;
const keyOf = {} as Record<Role, string>;
const log = new LogLines();

beforeAll(async () => {
  issuer = await startJwtIssuer();
  keyFolder = mkdtempSync(join(tmpdir(), 'tributary-keys-'));
  store = new ApiKeyStore(join(keyFolder, 'api-keys.json'));
  for (const role of ROLES) keyOf[role] = store.create(`${role} client`, role).key;
  ({ gateway, fakes, close } = await startGatewayOverFakes(
    { logLevel: 'info', auth: { mode: 'required', apiKeysFile: join(keyFolder, 'api-keys.json'), jwt: { issuer: ISSUER, audience: AUDIENCE, jwksUrl: issuer.url, rolesClaim: 'roles' } } },
    { logDestination: log },
  ));
});

afterAll(async () => {
  await close?.();
  await issuer?.close();
  rmSync(keyFolder, { recursive: true, force: true });
});

beforeEach(() => {
  for (const fake of Object.values(fakes)) if (typeof fake === 'object') fake.resetCalls();
});

const downstreamCalls = () => Object.values(fakes).filter((fake) => typeof fake === 'object').reduce((sum, fake) => sum + fake.calls.length, 0);

function post(query: string, credential?: string, variables?: Record<string, unknown>) {
  const call = request(gateway.http).post('/graphql').set('content-type', 'application/json');
  if (credential !== undefined) call.set('authorization', credential);
  return call.send({ query, variables });
}

describe('every root field × every role', () => {
  it('the table of calls names exactly the fields of the access list, and the list every root field of the schema', async () => {
    expect(Object.keys(CALL_OF).sort()).toEqual(Object.keys(ACCESS_LIST).sort());
    const response = await post('{ __schema { queryType { fields { name } } mutationType { fields { name } } } }', `Bearer ${keyOf.admin}`);
    const schema = response.body.data.__schema;
    const rootFields = [...schema.queryType.fields.map((f: { name: string }) => `Query.${f.name}`), ...schema.mutationType.fields.map((f: { name: string }) => `Mutation.${f.name}`)];
    expect(rootFields.sort()).toEqual(Object.keys(ACCESS_LIST).sort());
  });

  const cases = Object.entries(ACCESS_LIST).flatMap(([coordinate, access]) => ROLES.map((role) => [coordinate, role, mayUse([role], access)] as const));
  it.each(cases)('%s as %s: allowed %s', async (coordinate, role, allowed) => {
    const response = await post(CALL_OF[coordinate]!, `Bearer ${keyOf[role]}`);
    expect(response.status).toBe(200);
    const field = coordinate.split('.')[1]!;
    const forbidden = (response.body.errors ?? []).filter((error: { extensions: { code: string } }) => error.extensions.code === 'FORBIDDEN');
    if (allowed) {
      expect(forbidden).toEqual([]);
    } else {
      expect(forbidden).toEqual([
        {
          message: `${coordinate} needs the role ${rolesOf(ACCESS_LIST[coordinate]!).join(' or ')}; this credential has ${role}`,
          path: [field],
          locations: expect.any(Array),
          extensions: { code: 'FORBIDDEN', requiredRoles: rolesOf(ACCESS_LIST[coordinate]!) },
        },
      ]);
      expect(response.body.data).toEqual({ [field]: null });
      expect(downstreamCalls()).toBe(0);
    }
  });

  it('what the roles mean, spelled out: a reporter reads and runs reports, an exporter also exports, a placer only places orders', () => {
    const may = (role: Role, coordinate: string) => mayUse([role], ACCESS_LIST[coordinate]!);
    expect([may('reporter', 'Query.reports'), may('reporter', 'Query.orders'), may('reporter', 'Mutation.startExport'), may('reporter', 'Mutation.placeOrder')]).toEqual([true, true, false, false]);
    expect([may('exporter', 'Query.reports'), may('exporter', 'Mutation.startExport'), may('exporter', 'Query.exports'), may('exporter', 'Mutation.placeOrder')]).toEqual([true, true, true, false]);
    expect([may('placer', 'Mutation.placeOrder'), may('placer', 'Query.orderPlacement'), may('placer', 'Query.customers'), may('placer', 'Query.reports')]).toEqual([true, true, false, false]);
    expect(Object.values(ACCESS_LIST).every((access) => mayUse(['admin'], access))).toBe(true);
  });

  it('a refused field leaves the rest of the answer intact', async () => {
    fakes.catalog.serveResource('products', 'product', [{ id: ID, sku: 'SKU-1', title: 'Lamp', category: 'home', priceCents: 100, currency: 'EUR', createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' }] as never);
    const response = await post(`{ product(id: "${ID}") { title } exports { nodes { id } } }`, `Bearer ${keyOf.reporter}`);
    expect(response.body.data).toEqual({ product: { title: 'Lamp' }, exports: null });
    expect(response.body.errors).toEqual([expect.objectContaining({ path: ['exports'], extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });

  it("the README's table of root fields and roles is the access list", () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    const table = readme.split('<!-- access-list:start -->')[1]!.split('<!-- access-list:end -->')[0]!;
    const rows = [...table.matchAll(/^\| `([\w.]+)` \| ([\w, ]+) \|$/gm)].map(([, field, roles]) => [field, roles]);
    expect(Object.fromEntries(rows)).toEqual(Object.fromEntries(Object.entries(ACCESS_LIST).map(([field, access]) => [field, rolesOf(access).join(', ')])));
  });

  it('the schema states the roles of each root field, from the same list', async () => {
    const response = await post('{ __schema { queryType { fields { name description } } } }', `Bearer ${keyOf.admin}`);
    const exportsField = response.body.data.__schema.queryType.fields.find((field: { name: string }) => field.name === 'exports');
    expect(exportsField.description).toMatch(/Roles: exporter, admin\.$/);
  });
});

describe('credentials', () => {
  const QUERY = `{ customer(id: "${ID}") { id } }`;

  async function expectUnauthenticated(credential: string | undefined, description: RegExp) {
    const response = await post(QUERY, credential);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="tributary"/);
    expect(response.body).toEqual({ errors: [{ message: expect.stringMatching(description), extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(downstreamCalls()).toBe(0);
  }

  it('none at all: 401, and the challenge says how to send one', async () => {
    await expectUnauthenticated(undefined, /a credential is required/);
  });

  it.each([
    ['a header that is not Bearer', 'Basic dXNlcjpwYXNz', /must be "Bearer/],
    ['an unknown API key', `Bearer trb_0123456789abcdef_${'A'.repeat(43)}`, /API key is not valid/],
    ['an API key with one character changed', () => `Bearer ${keyOf.reporter.slice(0, -1)}${keyOf.reporter.endsWith('A') ? 'B' : 'A'}`, /API key is not valid/],
    ['a malformed token', 'Bearer not.a.token', /not a valid JWT/],
  ])('%s: 401 with WWW-Authenticate, no downstream call', async (_, credential, description) => {
    await expectUnauthenticated(typeof credential === 'function' ? credential() : credential, description);
  });

  it('a revoked API key: 401 within a second of npm run apikey -- revoke', async () => {
    const { key, record } = store.create('to revoke', 'reporter');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await post(QUERY, `Bearer ${key}`)).status).toBe(200);
    for (const fake of Object.values(fakes)) if (typeof fake === 'object') fake.resetCalls();
    store.revoke(record.id);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await expectUnauthenticated(`Bearer ${key}`, /API key is not valid/);
  });

  it('a valid JWT with a role is served as that role', async () => {
    const token = await issuer.sign({ sub: 'alice', roles: ['reporter'] });
    const allowed = await post(QUERY, `Bearer ${token}`);
    expect(allowed.status).toBe(200);
    expect(allowed.body.errors ?? []).not.toContainEqual(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
    const refused = await post(CALL_OF['Query.exports']!, `Bearer ${token}`);
    expect(refused.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) })]);
  });

  it.each([
    ['expired', () => issuer.sign({ roles: ['admin'] }, { expiresIn: Math.floor(Date.now() / 1000) - 60 }), /expired/],
    ['from another issuer', () => issuer.sign({ roles: ['admin'] }, { issuer: 'https://evil.example.test/' }), /iss claim/],
    ['for another audience', () => issuer.sign({ roles: ['admin'] }, { audience: 'another-api' }), /aud claim/],
    ['with a tampered payload', async () => {
      const [header, , signature] = (await issuer.sign({ roles: ['reporter'] })).split('.');
      const payload = Buffer.from(JSON.stringify({ sub: 'alice', roles: ['admin'], iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url');
      return `${header}.${payload}.${signature}`;
    }, /signature is not valid/],
    ['with alg none', async () => new UnsecuredJWT({ roles: ['admin'] }).setSubject('mallory').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').encode(), /accepted algorithm/],
    ['signed by a key the issuer does not publish', async () => issuer.sign({ roles: ['admin'] }, { key: (await generateKeyPair('ES256')).privateKey }), /signature is not valid/],
    ['signed with HS256 and a guessable secret', async () =>
      new SignJWT({ roles: ['admin'] }).setProtectedHeader({ alg: 'HS256', kid: 'k1' }).setSubject('mallory').setIssuer(ISSUER).setAudience(AUDIENCE).setExpirationTime('5m').sign(new TextEncoder().encode('secret')), /accepted algorithm/],
    ['without any role of this gateway', () => issuer.sign({ roles: ['superuser'] }), /names no role/],
  ])('a JWT %s: 401 with WWW-Authenticate, no downstream call', async (_, token, description) => {
    await expectUnauthenticated(`Bearer ${await token()}`, description);
  });
});

describe('audit log', () => {
  it('writes who ran which report, export or placement, the SHA-256 of its arguments and the outcome; refusals too', async () => {
    const before = log.audit().length;
    await post(CALL_OF['Query.reports']!, `Bearer ${keyOf.reporter}`);
    await post(CALL_OF['Mutation.placeOrder']!, `Bearer ${keyOf.reporter}`);
    await post(CALL_OF['Query.customer']!, `Bearer ${keyOf.reporter}`);
    const reporter = store.list().find((key) => key.name === 'reporter client')!;
    expect(log.audit().slice(before)).toEqual([
      expect.objectContaining({ subject: reporter.id, keyName: 'reporter client', via: 'api-key', field: 'Reports.salesByMonth', argsSha256: expect.stringMatching(/^[0-9a-f]{64}$/), outcome: expect.any(String) }),
      expect.objectContaining({ subject: reporter.id, field: 'Mutation.placeOrder', outcome: 'FORBIDDEN' }),
    ]);
  });
});

describe('production settings', () => {
  const SECRETS = { NODE_ENV: 'production', CURSOR_SECRET: 'c'.repeat(32), API_KEYS_FILE: '/tmp/keys.json', SERVICE_TOKEN_SECRET: 's'.repeat(32) };

  it('refuse to start without their secrets, naming each one', () => {
    expect(() => gatewayConfigFromEnv({ NODE_ENV: 'production' })).toThrow(/CURSOR_SECRET .*API_KEYS_FILE .*SERVICE_TOKEN_SECRET/);
    expect(() => gatewayConfigFromEnv({ ...SECRETS, GATEWAY_AUTH: 'open' })).toThrow(/GATEWAY_AUTH=open is for development only/);
    const config = gatewayConfigFromEnv(SECRETS);
    expect([config.development, config.auth.mode]).toEqual([false, 'required']);
  });

  it('with them: no playground, no introspection, and every request needs a credential', async () => {
    const production = gatewayConfigFromEnv(SECRETS);
    const { gateway: closed, close: closeProduction } = await startGatewayOverFakes({ development: false, auth: { ...production.auth, apiKeysFile: join(keyFolder, 'api-keys.json') } });
    try {
      const page = await request(closed.http).get('/graphql').set('accept', 'text/html');
      expect(page.text).not.toContain('<html');
      expect((await request(closed.http).post('/graphql').send({ query: '{ __typename }' })).status).toBe(401);
      const introspection = await request(closed.http).post('/graphql').set('authorization', `Bearer ${keyOf.admin}`).send({ query: '{ __schema { types { name } } }' });
      expect(introspection.body.errors[0].message).toMatch(/introspection/i);
    } finally {
      await closeProduction();
    }
  });

  it('in development a request without a credential is served, and a bad credential is still refused', async () => {
    const { gateway: open, close: closeOpen } = await startGatewayOverFakes({ auth: { mode: 'open', apiKeysFile: join(keyFolder, 'api-keys.json'), jwt: null } });
    try {
      const anonymous = await request(open.http).post('/graphql').send({ query: CALL_OF['Query.exports'] });
      expect(anonymous.status).toBe(200);
      expect(anonymous.body.errors ?? []).not.toContainEqual(expect.objectContaining({ extensions: expect.objectContaining({ code: 'FORBIDDEN' }) }));
      const bad = await request(open.http).post('/graphql').set('authorization', 'Bearer trb_nope').send({ query: '{ __typename }' });
      expect(bad.status).toBe(401);
    } finally {
      await closeOpen();
    }
  });
});
