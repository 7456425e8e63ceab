import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExportedFile } from '@tributary/contracts';
import type { ServiceCredentialSettings } from '@tributary/core';
import { startService, syntheticStoreStatements, TestDatabases, type ServiceUnderTest } from '@tributary/testing';
import { ApiKeyStore } from '../apps/gateway/src/auth/api-key-store.js';
import type { Role } from '../apps/gateway/src/auth/principal.js';
import type { GatewayConfig } from '../apps/gateway/src/gateway.config.js';
import { reportingServiceWith } from '../apps/reporting/src/reporting-app.module.js';
import { reportingRolesOf, storeOnlyReportingConfig } from './support/store-only-reporting.js';
import { startGateway, type GatewayUnderTest } from './support/gateway-under-test.js';

/**
 * Export files downloaded through the gateway, in production mode: the reporting app
 * requires the service credential on every call, the gateway a client credential. An
 * exporter follows its export to SUCCEEDED and fetches each file at the link the answer
 * gives; the bytes are the ones the answer's sha256 names. Who may not (a reporter, no
 * key) and what may not be asked (a path out of the exports) reach nothing.
 */
const SECRET = randomBytes(32).toString('base64url');
/** What NODE_ENV=production with SERVICE_TOKEN_SECRET gives every app. */
const SERVICE_CREDENTIAL: ServiceCredentialSettings = { secret: SECRET, acceptedSecrets: [], required: true };
const SECRET_TEXT = `not for downloads ${randomBytes(8).toString('hex')}`;
const databases = new TestDatabases();
const folder = mkdtempSync(join(tmpdir(), 'tributary-export-downloads-'));
const suffix = randomBytes(4).toString('hex');
const reportingConfig = storeOnlyReportingConfig(suffix);
const keyOf = {} as Record<Role, string>;

let reporting: ServiceUnderTest & { url: string };
let gateway: GatewayUnderTest & { port: number };
/** Every request the reporting app received, whoever sent it and whatever it answered. */
const reached: string[] = [];
const log = new (class extends Writable {
  readonly lines: Array<Record<string, unknown>> = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void) {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) this.lines.push(JSON.parse(line) as Record<string, unknown>);
    done();
  }
})();

async function startProductionGateway(overrides: Partial<GatewayConfig> = {}): Promise<GatewayUnderTest & { port: number }> {
  // No service is called by a download or an export: addresses where nothing listens.
  const nowhere = 'http://127.0.0.1:9';
  const started = await startGateway(
    { customers: nowhere, orders: nowhere, catalog: nowhere },
    { development: false, auth: { mode: 'required', apiKeysFile: join(folder, 'api-keys.json'), jwt: null }, serviceCredential: SERVICE_CREDENTIAL, reportingUrl: reporting.url, ...overrides },
    { logDestination: log },
  );
  await started.app.listen(0, '127.0.0.1');
  return { ...started, port: (started.http.address() as AddressInfo).port };
}

beforeAll(async () => {
  const service = await startService(reportingServiceWith(() => reportingConfig), databases, { config: { serviceCredential: SERVICE_CREDENTIAL } });
  // A small store: 300 orders of two lines, straight in SQL.
  for (const statement of syntheticStoreStatements({ customers: 20, products: 10, orders: 300, linesPerOrder: 2 })) await service.db.$executeRawUnsafe(statement);
  await service.app.listen(0, '127.0.0.1');
  (service.http as Server).on('request', (incoming: { method?: string; url?: string }) => reached.push(`${incoming.method} ${incoming.url}`));
  reporting = { ...service, url: `http://127.0.0.1:${(service.http.address() as AddressInfo).port}` };
  // What a path out of the exports folder would find: beside it, where the app keeps its data.
  mkdirSync(service.config.exports.directory, { recursive: true });
  writeFileSync(join(dirname(service.config.exports.directory), 'secret.txt'), SECRET_TEXT);

  const keys = new ApiKeyStore(join(folder, 'api-keys.json'));
  for (const role of ['reporter', 'exporter', 'admin'] as const) keyOf[role] = keys.create(`downloads ${role}`, role).key;
  gateway = await startProductionGateway({ logLevel: 'info' });
}, 120_000);

afterAll(async () => {
  await gateway?.close();
  await reporting?.close();
  await databases.dropAll();
  for (const role of reportingRolesOf(reportingConfig)) await databases.dropRole(role);
  rmSync(folder, { recursive: true, force: true });
});

function graphql(query: string, variables: Record<string, unknown>, role: Role) {
  return request(gateway.http).post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${keyOf[role]}`).send({ query, variables });
}

/** A download as any HTTP client sends it, the path exactly as given: nothing normalises `..` on the way. */
function fetchRaw(port: number, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<{ status: number; headers: IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const call = httpRequest({ host: '127.0.0.1', port, path, method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode!, headers: response.headers, body: Buffer.concat(chunks) }));
    });
    call.on('error', reject);
    call.end();
  });
}
const download = (path: string, role: Role | null, headers: Record<string, string> = {}, method = 'GET') =>
  fetchRaw(gateway.port, path, { ...headers, ...(role ? { authorization: `Bearer ${keyOf[role]}` } : {}) }, method);
const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

let file: ExportedFile;
let manifest: string;
let rows: number;

describe('an exporter, in production mode', () => {
  it('starts an export through GraphQL, follows it to SUCCEEDED, and downloads its file at the link the answer gives: the bytes its sha256 names', async () => {
    const OPERATION = 'id done metadata { state } response { rows files { path location rows bytes sha256 } manifest } error { code detail }';
    const started = await graphql(`mutation($input: StartExportInput!) { startExport(input: $input) { ${OPERATION} } }`, { input: { dataset: 'sales', format: 'CSV' } }, 'exporter');
    expect(started.body.errors).toBeUndefined();
    let operation = started.body.data.startExport;
    for (let tries = 0; !operation.done; tries++) {
      if (tries > 300) throw new Error('the export did not finish in 30 s');
      await new Promise((resolve) => setTimeout(resolve, 100));
      const followed = await graphql(`query($id: ID!) { export(id: $id) { ${OPERATION} } }`, { id: operation.id }, 'exporter');
      expect(followed.body.errors).toBeUndefined();
      operation = followed.body.data.export;
    }
    expect(operation.metadata.state).toBe('SUCCEEDED');
    expect(operation.response.files).toHaveLength(1);
    [file] = operation.response.files;
    ({ manifest, rows } = operation.response);
    expect(rows).toBe(600);
    // The gateway's link, relative to it (no GATEWAY_PUBLIC_URL): not the reporting app's /v1/exports/files.
    expect(file.location).toBe(`/exports/files/${file.path}`);
    expect(manifest).toMatch(new RegExp(`^/exports/files/sales/${operation.id}/_manifest\\.json$`));

    const got = await download(file.location, 'exporter');
    expect(got.status).toBe(200);
    expect(got.body.length).toBe(file.bytes);
    expect(sha256(got.body)).toBe(file.sha256);
    expect(got.headers['content-type']).toMatch(/^text\/csv/);
    expect(got.headers['content-length']).toBe(String(file.bytes));
    expect(got.headers['content-disposition']).toBe(`attachment; filename="${file.path.split('/').at(-1)}"`);
    expect(got.headers['accept-ranges']).toBe('bytes');
    expect(got.headers['cache-control']).toBe('private, no-store');
    expect(got.headers['x-content-type-options']).toBe('nosniff');
    // It counts against the client's rate like /graphql.
    expect(got.headers['ratelimit-remaining']).toMatch(/^\d+$/);
    expect(got.body.toString('utf8').split('\n')[0]).toMatch(/^order_id,line_no,placed_at/);

    const listed = await download(manifest, 'exporter');
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body.toString('utf8'))).toMatchObject({ dataset: 'sales', rows: 600, files: [{ path: file.path, sha256: file.sha256 }] });
  });

  it('gets a range of it (206, Content-Range), its headers alone with HEAD, and an admin gets it too', async () => {
    const whole = await download(file.location, 'exporter');
    const part = await download(file.location, 'exporter', { range: 'bytes=10-109' });
    expect(part.status).toBe(206);
    expect(part.headers['content-range']).toBe(`bytes 10-109/${file.bytes}`);
    expect(part.headers['content-length']).toBe('100');
    expect(part.body.equals(whole.body.subarray(10, 110))).toBe(true);

    const head = await download(file.location, 'exporter', {}, 'HEAD');
    expect(head.status).toBe(200);
    expect(head.headers['content-length']).toBe(String(file.bytes));
    expect(head.body.length).toBe(0);

    const admin = await download(file.location, 'admin');
    expect(admin.status).toBe(200);
    expect(sha256(admin.body)).toBe(file.sha256);
  });

  it('a file the export does not have is a 404 in JSON', async () => {
    const missing = await download(file.location.replace(/part-\d+/, 'part-9999'), 'exporter');
    expect(missing.status).toBe(404);
    expect(JSON.parse(missing.body.toString('utf8'))).toEqual({ errors: [{ message: expect.stringContaining('no export file at sales/'), extensions: { code: 'NOT_FOUND' } }] });
  });

  it('each download is an audit line: who, the path, the outcome', () => {
    const audit = log.lines.filter((line) => line.audit === true && line.field === 'GET /exports/files');
    expect(audit).toEqual(expect.arrayContaining([expect.objectContaining({ subject: expect.any(String), keyName: 'downloads exporter', via: 'api-key', outcome: 'ok', argsSha256: expect.stringMatching(/^[0-9a-f]{64}$/) })]));
  });
});

describe('who may not download, and what may not be asked, reach nothing', () => {
  it('the reporting app itself refuses its file without the service credential: the gateway is what adds it', async () => {
    const direct = await fetchRaw(Number(new URL(reporting.url).port), `/v1/exports/files/${file.path}`);
    expect(direct.status).toBe(401);
  });

  it('a reporter gets 403 with a JSON error naming the roles, and the reporting app is not called', async () => {
    const before = reached.length;
    for (const method of ['GET', 'HEAD']) {
      const refused = await download(file.location, 'reporter', {}, method);
      expect(refused.status, method).toBe(403);
      if (method === 'GET') {
        expect(refused.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.parse(refused.body.toString('utf8'))).toEqual({
          errors: [
            {
              message: "downloading an export's files needs the role exporter or admin (as Query.export); this credential has reporter",
              extensions: { code: 'FORBIDDEN', requiredRoles: ['exporter', 'admin'] },
            },
          ],
        });
      }
    }
    expect(reached.slice(before)).toEqual([]);
    expect(log.lines.filter((line) => line.audit === true && line.field === 'GET /exports/files' && line.outcome === 'FORBIDDEN').length).toBeGreaterThanOrEqual(1);
  });

  it.each([
    ['no credential', undefined],
    ['an unknown API key', 'Bearer trb_not-a-key-of-this-gateway'],
    ['a credential that is not a bearer token', `Basic ${Buffer.from('exporter:secret').toString('base64')}`],
  ])('%s gets 401 with WWW-Authenticate, and the reporting app is not called', async (_what, authorization) => {
    const before = reached.length;
    const refused = await fetchRaw(gateway.port, file.location, authorization ? { authorization } : {});
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toMatch(/^Bearer realm="tributary"/);
    expect(JSON.parse(refused.body.toString('utf8')).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(reached.slice(before)).toEqual([]);
  });

  it.each([
    ['..', '/exports/files/../../v1/operations'],
    ['.. under the export', '/exports/files/sales/../../secret.txt'],
    ['an encoded ..', '/exports/files/%2e%2e/%2E%2E/secret.txt'],
    ['an encoded slash', '/exports/files/sales/..%2F..%2F..%2Fsecret.txt'],
    ['an encoded backslash', '/exports/files/..%5C..%5Csecret.txt'],
    ['a dot-file segment', () => `/exports/files/${file.path}/.partial`],
  ])('a path with %s is a 400 from an exporter, and the reporting app is not called', async (_what, path) => {
    const before = reached.length;
    const refused = await download(typeof path === 'function' ? path() : path, 'exporter');
    expect(refused.status).toBe(400);
    expect(JSON.parse(refused.body.toString('utf8')).errors[0]).toMatchObject({ message: expect.stringMatching(/^not an export file's path/), extensions: { code: 'BAD_USER_INPUT' } });
    expect(refused.body.toString('utf8')).not.toContain(SECRET_TEXT);
    expect(reached.slice(before)).toEqual([]);
  });
});

describe('downloads and the rate limit', () => {
  it("take a token from the client's bucket like /graphql: over its rate, a 429 with Retry-After, not passed on", async () => {
    const limited = await startProductionGateway({ rateLimit: { perSecond: 1, burst: 2, redisUrl: null, keyPrefix: 'downloads:', redisTimeoutMs: 100 } });
    try {
      const before = reached.length;
      const answers = [];
      for (let i = 0; i < 3; i++) answers.push(await fetchRaw(limited.port, file.location, { authorization: `Bearer ${keyOf.exporter}` }));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 429]);
      expect(answers[2]!.headers['retry-after']).toMatch(/^[1-9]\d*$/);
      expect(JSON.parse(answers[2]!.body.toString('utf8')).errors[0].extensions.code).toBe('RATE_LIMITED');
      expect(reached.slice(before)).toHaveLength(2);
    } finally {
      await limited.close();
    }
  });

  it('with GATEWAY_PUBLIC_URL, the links are absolute, path prefix included', async () => {
    const behindProxy = await startProductionGateway({ publicUrl: 'https://data.example.test/tributary' });
    try {
      const id = file.path.split('/')[1];
      const answer = await request(behindProxy.http).post('/graphql').set('content-type', 'application/json').set('authorization', `Bearer ${keyOf.exporter}`).send({ query: `{ export(id: "${id}") { response { files { location } manifest } } }` });
      expect(answer.body.errors).toBeUndefined();
      expect(answer.body.data.export.response).toEqual({ files: [{ location: `https://data.example.test/tributary/exports/files/${file.path}` }], manifest: `https://data.example.test/tributary/exports/files/sales/${id}/_manifest.json` });
    } finally {
      await behindProxy.close();
    }
  });
});
