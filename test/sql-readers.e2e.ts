import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Env } from '@tributary/core';
import { startService, TestDatabases, type ServiceUnderTest } from '@tributary/testing';
import { reportingServiceWith } from '../apps/reporting/src/reporting-app.module.js';
import { reportingRolesOf, storeOnlyReportingConfig } from './support/store-only-reporting.js';
import { parseScramVerifier, scramVerifierOf } from '../apps/reporting/src/sql-interface/scram.util.js';
import { SqlInterfaceService } from '../apps/reporting/src/sql-interface/sql-interface.service.js';
import { runSqlReaderCommand } from '../apps/reporting/src/sql-interface/sql-reader.command.js';
import { DEVELOPMENT_READER, readTokenFile, SQL_ADMIN_TOKEN_HEADER, SqlReadersService } from '../apps/reporting/src/sql-interface/sql-readers.service.js';

/**
 * Readers with their own credentials, as `npm run sql-reader` makes them: on the embedded
 * store through the reporting app and its wire interface (SCRAM-SHA-256 checked there),
 * on PostgreSQL (TEST_DATABASE_URL) as login roles of the server that BI tools log in
 * as directly. Either way a reader reads reporting_v1 as itself and nothing else, and a
 * wrong password or a revoked reader gets PostgreSQL's own refusal.
 */
const run = promisify(execFile);
const serverUrl = process.env.TEST_DATABASE_URL;
const onPostgres = Boolean(serverUrl);
const databases = new TestDatabases();
const suffix = randomBytes(4).toString('hex');
const folder = mkdtempSync(join(tmpdir(), 'tributary-sql-readers-'));
const config = storeOnlyReportingConfig(suffix, { sql: { port: 0, host: '127.0.0.1' }, developmentReader: true, adminTokenFile: join(folder, 'reporting-admin.token') });
const readerName = (name: string) => `${name}_${suffix}`;
let reporting: ServiceUnderTest;
let appUrl: string;

/**
 * Whether the server lets a role in without checking its password (pg_hba.conf `trust`,
 * as CI's local server does): there no password can be refused, whatever the roles hold.
 * Found with a role of its own that has no password at all.
 */
async function serverTrustsPasswords(url: string): Promise<boolean> {
  const probe = `password_probe_${suffix}`;
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  await admin.query(`CREATE ROLE ${probe} LOGIN`);
  try {
    const as = new URL(url);
    [as.username, as.password] = [probe, 'not checked'];
    const client = new pg.Client({ connectionString: as.toString() });
    return await client.connect().then(
      async () => (await client.end(), true),
      () => false,
    );
  } finally {
    await admin.query(`DROP ROLE ${probe}`);
    await admin.end();
  }
}
const trusting = serverUrl ? await serverTrustsPasswords(serverUrl) : false;
if (trusting) console.log('sql-readers: the PostgreSQL server at TEST_DATABASE_URL trusts this client (pg_hba.conf trust) and checks no password: the wrong-password test is skipped there; the verifier it stores is checked instead');
const psqlFound = await run('bash', ['-c', 'command -v psql']).then(
  () => true,
  () => false,
);
if (!psqlFound) console.log('sql-readers: the psql test is skipped: no psql on this machine (apt-get install -y postgresql-client)');

beforeAll(async () => {
  reporting = await startService(reportingServiceWith(() => config), databases);
  await reporting.app.listen(0, '127.0.0.1');
  appUrl = `http://127.0.0.1:${(reporting.http.address() as { port: number }).port}`;
  await reporting.db.$queryRawUnsafe(`INSERT INTO reporting_store.customers (id, name, email, country, created_at, version) VALUES ('c-1', 'Ada Lovelace', 'ada@example.com', 'GB', now(), now())`);
});

afterAll(async () => {
  await reporting?.close();
  await databases.dropAll();
  const readers = ['alice', 'bob', 'carol'].map(readerName);
  for (const role of [...readers, ...reportingRolesOf(config)]) await databases.dropRole(role);
  rmSync(folder, { recursive: true, force: true });
});

const sqlPort = () => reporting.app.get(SqlInterfaceService).port!;

/** The environment `npm run sql-reader` runs with against this test's store. */
function commandEnv(): Env {
  const common = { REPORTING_READER_ROLE: config.reader.role, REPORTING_ADMIN_TOKEN_FILE: config.adminTokenFile };
  if (onPostgres) return { ...common, REPORTING_DATABASE_URL: reporting.config.database.url };
  return { ...common, REPORTING_URL: appUrl, REPORTING_SQL_PORT: String(sqlPort()) };
}

/** `npm run sql-reader -- …args`: what it prints on stdout and on stderr. */
async function sqlReader(...args: string[]): Promise<{ stdout: string[]; stderr: string[] }> {
  const output = { stdout: [] as string[], stderr: [] as string[] };
  await runSqlReaderCommand(args, commandEnv(), { print: (line) => output.stdout.push(line), tell: (line) => output.stderr.push(line) });
  return output;
}

/** As a BI tool connects: the embedded store's wire interface, or the PostgreSQL database itself. */
function urlOf(user: string, password = ''): string {
  const url = new URL(onPostgres ? reporting.config.database.url! : `postgresql://127.0.0.1:${sqlPort()}/reporting`);
  [url.username, url.password] = [user, password];
  return url.toString();
}
const connectionOf = (user: string, password: string): pg.ClientConfig => ({ connectionString: urlOf(user, password) });

/** Waits for the server to end a connection: the SQLSTATE of its FATAL, the first `error` event (the closed socket's follows it). */
async function endedByServer(client: { errors: Array<{ code?: string }> }): Promise<string | undefined> {
  for (const deadline = Date.now() + 5000; client.errors.length === 0 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 20));
  return client.errors[0]?.code;
}

/** A connected client; its `error` events (a FATAL from the server) are kept, not thrown. */
async function connect(user: string, password: string): Promise<pg.Client & { errors: Array<{ code?: string }> }> {
  const client = Object.assign(new pg.Client(connectionOf(user, password)), { errors: [] as Array<{ code?: string }> });
  client.on('error', (error) => client.errors.push(error as { code?: string }));
  await client.connect();
  return client;
}

/** The SQLSTATE a login gets, or 'connected'. */
async function loginOutcome(user: string, password: string): Promise<string | undefined> {
  const client = new pg.Client(connectionOf(user, password));
  try {
    await client.connect();
    await client.end();
    return 'connected';
  } catch (error) {
    return (error as { code?: string }).code;
  }
}

describe(`SQL readers with their own credentials, on ${onPostgres ? 'PostgreSQL' : "the embedded store's wire interface"}`, () => {
  let alice: { name: string; password: string };

  beforeAll(async () => {
    const name = readerName('alice');
    const { stdout, stderr } = await sqlReader('create', name);
    alice = { name, password: stdout[0]! };
    expect(stdout).toHaveLength(1);
    expect(stderr.join('\n')).toMatch(/shown this once/);
  });

  it('a reader made by npm run sql-reader logs in with its password and reads the published views as itself', async () => {
    expect(alice.password).toMatch(/^[A-Za-z0-9_-]{32}$/);
    const client = await connect(alice.name, alice.password);
    try {
      const { rows } = await client.query(`SELECT current_user AS reading_as, name FROM reporting_v1.customers`);
      // The store can tell who read: the statement ran as the reader's own role.
      expect(rows).toEqual([{ reading_as: alice.name, name: 'Ada Lovelace' }]);
    } finally {
      await client.end();
    }
    const { stdout } = await sqlReader('list');
    expect(stdout.find((line) => line.startsWith(`${alice.name} `))).toMatch(/ active +created \d{4}-/);
  });

  it('keeps only a SCRAM-SHA-256 verifier of the password, the one PostgreSQL itself would make', async () => {
    const [row] = await reporting.db.$queryRawUnsafe<Array<{ rolpassword: string }>>(`SELECT rolpassword FROM pg_authid WHERE rolname = $1`, alice.name);
    const verifier = parseScramVerifier(row!.rolpassword)!;
    expect(row!.rolpassword).toBe(scramVerifierOf(alice.password, { salt: verifier.salt, iterations: verifier.iterations }));
    expect(row!.rolpassword).not.toContain(alice.password);
  });

  it.skipIf(!psqlFound)('psql logs in with it too (libpq: SCRAM-SHA-256)', async () => {
    const { stdout } = await run('psql', [urlOf(alice.name), '-Atc', 'SELECT name FROM reporting_v1.customers'], { env: { ...process.env, PGPASSWORD: alice.password, PGCONNECT_TIMEOUT: '10' } });
    expect(stdout.trim()).toBe('Ada Lovelace');
  });

  it('cannot read reporting_store: 42501', async () => {
    const client = await connect(alice.name, alice.password);
    try {
      await expect(client.query(`SELECT * FROM reporting_store.customers`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
  });

  it.skipIf(trusting)('refuses a wrong password and an unknown reader alike: 28P01', async () => {
    expect(await loginOutcome(alice.name, `${alice.password}x`)).toBe('28P01');
    expect(await loginOutcome(readerName('nobody'), alice.password)).toBe('28P01');
    // The reader role itself has no password: nobody logs in as it.
    expect(await loginOutcome(config.reader.role, 'a guess')).toMatch(/^28(P01|000)$/);
  });

  it("a revoked reader is refused (28P01 or 28000), and its open session ends", async () => {
    const bob = readerName('bob');
    const password = (await sqlReader('create', bob)).stdout[0]!;
    const open = await connect(bob, password);
    expect((await open.query(`SELECT count(*)::int AS n FROM reporting_v1.customers`)).rows).toEqual([{ n: 1 }]);
    const { stdout } = await sqlReader('revoke', bob);
    expect(stdout).toEqual([`revoked SQL reader ${bob}: its role is dropped; 1 open session(s) ended`]);
    expect(await endedByServer(open)).toBe('57P01');
    await expect(open.query(`SELECT 1`)).rejects.toThrow();
    expect(await loginOutcome(bob, password)).toMatch(/^28(P01|000)$/);
    expect((await sqlReader('list')).stdout.some((line) => line.startsWith(`${bob} `))).toBe(false);
  });

  it('takes over no existing role and accepts no name that is not a plain SQL name', async () => {
    await expect(sqlReader('create', `${config.pumpRolePrefix}orders`)).rejects.toThrow(/already exists/);
    await expect(sqlReader('create', 'postgres')).rejects.toThrow(/lower-case SQL name/);
    await expect(sqlReader('create', 'Robert"; DROP TABLE x; --')).rejects.toThrow(/lower-case SQL name/);
    await expect(sqlReader('revoke', config.reader.role)).rejects.toThrow(/does not exist/);
  });
});

describe.skipIf(onPostgres)('the embedded store: administration through the app, the development reader', () => {
  it("administers readers only with the token this start of the app wrote to its file (401 without it)", async () => {
    const token = readTokenFile(config.adminTokenFile!)!;
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    await request(reporting.http).get('/v1/sql-readers').expect(401);
    await request(reporting.http).post('/v1/sql-readers').set(SQL_ADMIN_TOKEN_HEADER, `${token.slice(0, -1)}x`).send({ name: readerName('carol') }).expect(401);
    const { body } = await request(reporting.http).post('/v1/sql-readers').set(SQL_ADMIN_TOKEN_HEADER, token).send({ name: readerName('carol') }).expect(201);
    expect(body).toEqual({ name: readerName('carol'), password: expect.stringMatching(/^[A-Za-z0-9_-]{32}$/), createdAt: expect.any(String) });
    expect(await loginOutcome(readerName('carol'), body.password)).toBe('connected');
  });

  it('outside production the development reader logs in with its documented password; in production there is none', async () => {
    const client = await connect(DEVELOPMENT_READER.name, DEVELOPMENT_READER.password);
    expect((await client.query(`SELECT current_user AS reading_as, count(*)::int AS customers FROM reporting_v1.customers`)).rows).toEqual([{ reading_as: DEVELOPMENT_READER.name, customers: 1 }]);
    // The same store started in production (reportingConfigFromEnv offers no development reader there).
    config.developmentReader = false;
    expect(await reporting.app.get(SqlReadersService).settleDevelopmentReader()).toBe(false);
    expect(await endedByServer(client)).toBe('57P01');
    expect(await loginOutcome(DEVELOPMENT_READER.name, DEVELOPMENT_READER.password)).toBe('28P01');
    await client.end().catch(() => undefined);
  });
});
