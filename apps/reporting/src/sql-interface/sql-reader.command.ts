import { parseArgs } from 'node:util';
import pg from 'pg';
import type { ProblemDocument } from '@tributary/contracts';
import { serviceCredentialOf, serviceCredentialSettingsFromEnv, withServiceCredential, type Env } from '@tributary/core';
import { databaseLocationFromEnv } from '@tributary/service-kit';
import { reportingConfigFromEnv } from '../reporting.config.js';
import { SqlReaderRoles, type CreatedSqlReader, type RevokedSqlReader, type SqlReader } from './sql-reader-roles.js';
import { readTokenFile, SQL_ADMIN_TOKEN_HEADER } from './sql-readers.service.js';

export const SQL_READER_USAGE = 'npm run sql-reader -- create <name> | list | revoke <name>';

/** A mistake in the command line: exit status 2, with the usage. */
export class SqlReaderUsageError extends Error {}

/** What the command does, wherever the store is. */
interface ReaderAdministration {
  /** Where a BI tool connects, for the reader `name`. */
  connectionUrl(name: string): string;
  create(name: string): Promise<CreatedSqlReader>;
  list(): Promise<SqlReader[]>;
  revoke(name: string): Promise<RevokedSqlReader>;
  close(): Promise<void>;
}

/**
 * `npm run sql-reader -- create alice | list | revoke alice`. On PostgreSQL
 * (REPORTING_DATABASE_URL) it makes the roles on the server itself, as the URL's user;
 * on the embedded store it asks the running reporting app (REPORTING_URL, default
 * http://localhost:4004), which alone may open the store, with the token the app wrote
 * to its admin token file. `print` gets stdout lines (a new password, alone on its
 * line), `tell` stderr lines.
 */
export async function runSqlReaderCommand(args: readonly string[], env: Env, output: { print(line: string): void; tell(line: string): void }): Promise<void> {
  let positionals: string[];
  try {
    positionals = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: {} }).positionals;
  } catch (error) {
    throw new SqlReaderUsageError((error as Error).message);
  }
  const [command, name, ...rest] = positionals;
  if (rest.length > 0) throw new SqlReaderUsageError(`unexpected ${rest.join(' ')}`);
  if ((command === 'create' || command === 'revoke') && !name) throw new SqlReaderUsageError(`${command} needs the reader's name`);
  if (command !== 'create' && command !== 'revoke' && command !== 'list') throw new SqlReaderUsageError(command ? `unknown command ${JSON.stringify(command)}` : 'a command is required');
  const readers = administrationOf(env);
  try {
    if (command === 'create') {
      const created = await readers.create(name!);
      output.print(created.password);
      output.tell(`created SQL reader ${created.name}; the password above is shown this once (only its SCRAM-SHA-256 verifier is stored).`);
      output.tell(`connect: psql ${readers.connectionUrl(created.name)} (it asks for the password), or in a BI tool: user ${created.name}, that password.`);
    } else if (command === 'list') {
      const all = await readers.list();
      if (all.length === 0) output.tell('no readers yet: npm run sql-reader -- create <name>');
      for (const reader of all) output.print([reader.name.padEnd(24), stateOf(reader).padEnd(32), reader.createdAt ? `created ${reader.createdAt}` : ''].join('  ').trimEnd());
    } else {
      const revoked = await readers.revoke(name!);
      const sessions = revoked.sessionsNotEnded ? `; its open sessions could not be ended (${revoked.sessionsNotEnded})` : `; ${revoked.endedSessions} open session(s) ended`;
      output.print(`revoked SQL reader ${revoked.name}: ${revoked.outcome === 'dropped' ? 'its role is dropped' : `its role stays, NOLOGIN and without a password (${revoked.reason})`}${sessions}`);
    }
  } finally {
    await readers.close();
  }
}

function stateOf(reader: SqlReader): string {
  if (!reader.managed) return 'member made by hand';
  if (!reader.canLogin) return 'revoked (NOLOGIN, not dropped)';
  return reader.development ? 'active (development reader)' : 'active';
}

function administrationOf(env: Env): ReaderAdministration {
  const config = reportingConfigFromEnv(env);
  const database = databaseLocationFromEnv('reporting', env);
  if (database.url) return onPostgres(database.url, config.reader.role);
  if (!config.adminTokenFile) throw new Error('the embedded store has no admin token file configured (REPORTING_ADMIN_TOKEN_FILE)');
  const sql = config.sql;
  return throughTheApp((env.REPORTING_URL ?? 'http://localhost:4004').replace(/\/$/, ''), config.adminTokenFile, env, (name) =>
    sql ? `postgresql://${name}@${sql.host === '0.0.0.0' ? 'localhost' : sql.host}:${sql.port}/reporting` : '(the reporting app has no SQL interface: REPORTING_SQL_PORT=off)',
  );
}

/** PostgreSQL: the roles are made on the server, by the URL's user (it needs CREATEROLE, and ADMIN on the reader role). */
function onPostgres(url: string, readerRole: string): ReaderAdministration {
  const client = new pg.Client({ connectionString: url });
  const connected = client.connect();
  const roles = new SqlReaderRoles({ query: async <T>(sql: string, params: unknown[] = []) => (await connected, (await client.query(sql, params)).rows as T[]) }, readerRole, { endSessions: true });
  return {
    connectionUrl: (name) => {
      const at = new URL(url);
      at.username = name;
      at.password = '';
      return at.toString();
    },
    create: (name) => roles.create(name),
    list: () => roles.list(),
    revoke: (name) => roles.revoke(name),
    close: async () => {
      await connected.catch(() => undefined);
      await client.end();
    },
  };
}

/** The embedded store, through the running app's /v1/sql-readers. */
function throughTheApp(baseUrl: string, tokenFile: string, env: Env, connectionUrl: (name: string) => string): ReaderAdministration {
  const credential = serviceCredentialOf(serviceCredentialSettingsFromEnv(env), 'sql-reader-command');
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const token = readTokenFile(tokenFile);
    if (!token) throw new Error(`${tokenFile} does not exist: start the reporting app (npm start) on this machine, with the same TRIBUTARY_DATA_DIR; it writes its admin token there`);
    const headers = await withServiceCredential(credential, { [SQL_ADMIN_TOKEN_HEADER]: token, ...(body ? { 'content-type': 'application/json' } : {}) });
    let response: Response;
    try {
      response = await fetch(`${baseUrl}/v1/sql-readers${path}`, { method, headers, ...(body ? { body: JSON.stringify(body) } : {}) });
    } catch (error) {
      throw new Error(`the reporting app does not answer at ${baseUrl} (${(error as Error).cause ?? (error as Error).message}): is it running? (REPORTING_URL)`, { cause: error });
    }
    const answer = (await response.json()) as T | ProblemDocument;
    if (!response.ok) {
      const problem = answer as ProblemDocument;
      throw new Error(problem.errors?.length ? problem.errors.map((error) => `${error.field}: ${error.message}`).join('\n') : problem.detail);
    }
    return answer as T;
  };
  return {
    connectionUrl,
    create: (name) => call('POST', '', { name }),
    list: async () => (await call<{ readers: SqlReader[] }>('GET', '')).readers,
    revoke: (name) => call('DELETE', `/${encodeURIComponent(name)}`),
    close: async () => undefined,
  };
}
