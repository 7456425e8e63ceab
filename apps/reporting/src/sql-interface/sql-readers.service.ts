import { randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ProblemCode } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { ReportingDatabase } from '../database/reporting-database.js';
import type { ReportingConfig } from '../reporting.config.js';
import { REPORTING_CONFIG } from '../reporting.tokens.js';
import { SqlReaderRoles, type CreatedSqlReader, type RevokedSqlReader, type SqlReader, type SqlReaderLogin } from './sql-reader-roles.js';

/**
 * The reader `npm start` makes on the embedded store outside production, so that a
 * developer connects at once: a known password, on a loopback-only interface
 * (reportingConfigFromEnv offers it only there). Production makes none and drops one
 * left from development.
 */
export const DEVELOPMENT_READER = { name: 'developer', password: 'developer' } as const;

/** The header `npm run sql-reader` sends the admin token in (Authorization carries the service credential). */
export const SQL_ADMIN_TOKEN_HEADER = 'x-sql-admin-token';

/**
 * The readers of the embedded store, administered through the reporting app (the CLI
 * cannot open PGlite while the app holds it): create, list, revoke. The app proves to
 * `npm run sql-reader` who may do that with an admin token it writes, at each start, to a
 * file only its own user can read (as PostgreSQL's peer authentication, or a daemon's
 * cookie file): whoever reads it could as well stop the app and open the data directory.
 * On PostgreSQL readers are roles of the server, made by the CLI itself.
 */
@Injectable()
export class SqlReadersService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SqlInterface');
  private readonly roles: SqlReaderRoles;
  private readonly revokedListeners: Array<(name: string) => number> = [];
  private adminToken?: Buffer;

  constructor(
    private readonly db: ReportingDatabase,
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
  ) {
    const embedded = db.handle.embedded !== undefined;
    this.roles = new SqlReaderRoles({ query: <T>(sql: string, params: unknown[] = []) => db.$queryRawUnsafe<T[]>(sql, ...params) }, config.reader.role, { endSessions: !embedded });
  }

  onApplicationBootstrap(): void {
    const file = this.config.adminTokenFile;
    if (!file || !this.db.handle.embedded) return;
    const token = randomBytes(32).toString('base64url');
    mkdirSync(dirname(file), { recursive: true });
    // Written whole, readable by this user only, before any request may need it.
    const temporary = `${file}.${process.pid}.tmp`;
    writeFileSync(temporary, `${token}\n`, { mode: 0o600 });
    renameSync(temporary, file);
    this.adminToken = Buffer.from(token);
  }

  onModuleDestroy(): void {
    const file = this.config.adminTokenFile;
    if (!file || !this.adminToken) return;
    // Another instance may have written its own since: that one stays.
    if (readTokenFile(file) === this.adminToken.toString()) rmSync(file, { force: true });
  }

  /** Whether a request carries this start's admin token. */
  isAdmin(presented: string | undefined): boolean {
    if (!this.adminToken || !presented) return false;
    const given = Buffer.from(presented);
    return given.length === this.adminToken.length && timingSafeEqual(given, this.adminToken);
  }

  async create(name: string): Promise<CreatedSqlReader> {
    this.assertEmbedded();
    const created = await this.roles.create(name);
    this.logger.log(`SQL reader ${name} created`);
    return created;
  }

  list(): Promise<SqlReader[]> {
    this.assertEmbedded();
    return this.roles.list();
  }

  /** Revokes a reader and ends its open connections to the SQL interface. */
  async revoke(name: string): Promise<RevokedSqlReader> {
    this.assertEmbedded();
    const revoked = await this.roles.revoke(name);
    const ended = this.revokedListeners.reduce((sum, listener) => sum + listener(name), 0);
    this.logger.log(`SQL reader ${name} revoked (${revoked.outcome}); ${ended} open connection(s) ended`);
    return { ...revoked, endedSessions: revoked.endedSessions + ended };
  }

  /** For the wire interface: the reader's verifier and whether it may log in. */
  login(name: string): Promise<SqlReaderLogin> {
    return this.roles.login(name);
  }

  /** The wire interface ends a revoked reader's connections: `listener` returns how many. */
  onRevoked(listener: (name: string) => number): void {
    this.revokedListeners.push(listener);
  }

  /**
   * On the embedded store: the development reader, with its known password, when the
   * configuration offers it; else none (a development reader left in a data directory
   * that now runs in production is dropped). Returns whether there is one.
   */
  async settleDevelopmentReader(): Promise<boolean> {
    const existing = (await this.roles.list()).find((reader) => reader.name === DEVELOPMENT_READER.name);
    if (existing && !existing.development) {
      this.logger.warn(`a reader named ${DEVELOPMENT_READER.name} exists that is not the development reader: it is left as it is`);
      return false;
    }
    if (!this.config.developmentReader) {
      if (existing) await this.revoke(DEVELOPMENT_READER.name);
      return false;
    }
    // Made anew at each start: its password is always the documented one.
    if (existing) await this.roles.revoke(DEVELOPMENT_READER.name);
    await this.roles.create(DEVELOPMENT_READER.name, { development: true, password: DEVELOPMENT_READER.password });
    return true;
  }

  private assertEmbedded(): void {
    if (this.db.handle.embedded) return;
    throw new DomainException(
      ProblemCode.failedPrecondition,
      'on PostgreSQL the readers are roles of the server: run npm run sql-reader with REPORTING_DATABASE_URL, which makes them there directly',
    );
  }
}

/** The token in an admin token file; undefined when there is none. */
export function readTokenFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
