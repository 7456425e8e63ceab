import { randomBytes } from 'node:crypto';
import { ProblemCode } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { sqlLiteral } from '../database/sql-literal.util.js';
import { parseScramVerifier, scramVerifierOf, type ScramVerifier } from './scram.util.js';

/** How SqlReaderRoles reaches the store: the app's Prisma client, or the CLI's pg client on PostgreSQL. */
export interface SqlRunner {
  query<T>(sql: string, params?: unknown[]): Promise<T[]>;
}

/** A member of the reader role, as `list` shows it. */
export interface SqlReader {
  name: string;
  /** Whether it may log in: false once revoked on PostgreSQL when it could not be dropped. */
  canLogin: boolean;
  /** Made by SqlReaderRoles (npm run sql-reader); false for a role an administrator made a member by hand. */
  managed: boolean;
  /** The development reader `npm start` makes on the embedded store. */
  development: boolean;
  createdAt: string | null;
}

export interface CreatedSqlReader {
  name: string;
  /** Shown once: only its SCRAM verifier is stored. */
  password: string;
  createdAt: string;
}

export interface RevokedSqlReader {
  name: string;
  /** dropped: the role is gone; disabled: it owns objects or holds privileges of its own, so it stays, NOLOGIN and without a password. */
  outcome: 'dropped' | 'disabled';
  /** Why it could not be dropped. */
  reason?: string;
  /** Sessions of the reader that were ended (PostgreSQL; the embedded interface ends its own). */
  endedSessions: number;
  /** Why its sessions could not be ended (the store's user lacks pg_signal_backend): they last until they close. */
  sessionsNotEnded?: string;
}

/** What the wire interface needs to let a reader in. */
export interface SqlReaderLogin {
  verifier?: ScramVerifier;
  /** A member of the reader role with no right beyond reading, with LOGIN, not expired. */
  mayLogIn: boolean;
}

/** The comment that marks a role as made here, followed by its JSON details. */
const MARKER = 'tributary SQL reader ';
const NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** Names PostgreSQL reserves or that are never a reader's. */
const RESERVED = new Set(['public', 'none', 'postgres', 'current_user', 'session_user', 'current_role', 'user']);

const quoted = (name: string) => `"${name}"`;

/**
 * Readers of the published views: each a role of its own, a member of the reader role
 * (which holds the grants: SELECT on reporting_v1), with a SCRAM-SHA-256 verifier as its
 * password and a comment that marks it as made here. On PostgreSQL a BI tool logs in as
 * it directly; on the embedded store the wire interface checks the password against the
 * same verifier (`login`) and runs the reader's statements as its role. The same SQL
 * serves both: the app runs it on either store, the CLI on PostgreSQL.
 */
export class SqlReaderRoles {
  constructor(
    private readonly db: SqlRunner,
    /** The role that holds the grants. */
    private readonly readerRole: string,
    /** On PostgreSQL a revoked reader's open sessions are ended too; the embedded interface ends its own. */
    private readonly options: { endSessions: boolean },
  ) {}

  /** A new reader with a generated password, or with `password` (the development reader's, which is known). */
  async create(name: string, options: { development?: boolean; password?: string; now?: Date } = {}): Promise<CreatedSqlReader> {
    this.checkName(name);
    if (await this.exists(name)) throw new DomainException(ProblemCode.alreadyExists, `a role named ${name} already exists: choose another name, or revoke the reader first`);
    const password = options.password ?? randomBytes(24).toString('base64url');
    const createdAt = (options.now ?? new Date()).toISOString();
    const details = JSON.stringify({ createdAt, ...(options.development ? { development: true } : {}) });
    // One statement: the role never exists without its marker, so it is never mistaken for someone else's.
    await this.db.query(
      `DO $reader$ BEGIN ` +
        `CREATE ROLE ${quoted(name)} LOGIN INHERIT NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD ${sqlLiteral(scramVerifierOf(password))} IN ROLE ${quoted(this.readerRole)}; ` +
        `COMMENT ON ROLE ${quoted(name)} IS ${sqlLiteral(MARKER + details)}; ` +
        `END $reader$`,
    );
    return { name, password, createdAt };
  }

  /** Every member of the reader role, made here or not. */
  async list(): Promise<SqlReader[]> {
    const rows = await this.db.query<{ name: string; canLogin: boolean; description: string | null }>(
      `SELECT r.rolname AS name, r.rolcanlogin AS "canLogin", d.description
         FROM pg_auth_members m
         JOIN pg_roles g ON g.oid = m.roleid
         JOIN pg_roles r ON r.oid = m.member
         LEFT JOIN pg_shdescription d ON d.objoid = r.oid AND d.classoid = 'pg_authid'::regclass
        WHERE g.rolname = $1
        ORDER BY r.rolname`,
      [this.readerRole],
    );
    return rows.map(({ name, canLogin, description }) => {
      const details = description?.startsWith(MARKER) ? (JSON.parse(description.slice(MARKER.length)) as { createdAt?: string; development?: boolean }) : undefined;
      return { name, canLogin, managed: details !== undefined, development: details?.development === true, createdAt: details?.createdAt ?? null };
    });
  }

  /**
   * Ends a reader: no login from now on (and on PostgreSQL its open sessions end), then
   * the role is dropped, or kept NOLOGIN without a password when something depends on it.
   */
  async revoke(name: string): Promise<RevokedSqlReader> {
    const reader = (await this.list()).find((candidate) => candidate.name === name);
    if (!reader) throw DomainException.notFound('SQL reader', name);
    if (!reader.managed) {
      throw new DomainException(ProblemCode.failedPrecondition, `${name} is a member of ${this.readerRole} that npm run sql-reader did not make: revoke it with REVOKE ${this.readerRole} FROM ${name}`);
    }
    await this.db.query(`ALTER ROLE ${quoted(name)} NOLOGIN PASSWORD NULL`);
    const sessions = this.options.endSessions ? await this.endSessions(name) : { endedSessions: 0 };
    try {
      await this.db.query(`DROP ROLE ${quoted(name)}`);
      return { name, outcome: 'dropped', ...sessions };
    } catch (error) {
      return { name, outcome: 'disabled', reason: (error as Error).message, ...sessions };
    }
  }

  /** For the embedded wire interface, whose session may read pg_authid (PGlite runs as its superuser). */
  async login(name: string): Promise<SqlReaderLogin> {
    const [row] = await this.db.query<{ verifier: string | null; mayLogIn: boolean }>(
      `SELECT r.rolpassword AS verifier,
              r.rolcanlogin AND (r.rolvaliduntil IS NULL OR r.rolvaliduntil > now())
                AND NOT (r.rolsuper OR r.rolcreaterole OR r.rolcreatedb OR r.rolreplication OR r.rolbypassrls)
                AND pg_has_role(r.oid, g.oid, 'MEMBER') AND r.oid <> g.oid AS "mayLogIn"
         FROM pg_authid r, pg_roles g
        WHERE r.rolname = $1 AND g.rolname = $2`,
      [name, this.readerRole],
    );
    return { verifier: parseScramVerifier(row?.verifier), mayLogIn: row?.mayLogIn === true };
  }

  private checkName(name: string): void {
    if (!NAME.test(name) || name.startsWith('pg_') || RESERVED.has(name) || name === this.readerRole) {
      throw DomainException.invalidField('name', `a reader's name is a lower-case SQL name (a-z, 0-9, _; at most 63 characters), not starting with pg_, not ${this.readerRole} nor a reserved name; got ${JSON.stringify(name)}`);
    }
  }

  private async exists(name: string): Promise<boolean> {
    return (await this.db.query(`SELECT 1 FROM pg_roles WHERE rolname = $1`, [name])).length > 0;
  }

  /** Ending another role's sessions needs pg_signal_backend or superuser: without it, the revocation stands and says so. */
  private async endSessions(name: string): Promise<Pick<RevokedSqlReader, 'endedSessions' | 'sessionsNotEnded'>> {
    try {
      const [row] = await this.db.query<{ ended: number }>(`SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS ended FROM pg_stat_activity WHERE usename = $1`, [name]);
      return { endedSessions: row?.ended ?? 0 };
    } catch (error) {
      return { endedSessions: 0, sessionsNotEnded: (error as Error).message };
    }
  }
}
