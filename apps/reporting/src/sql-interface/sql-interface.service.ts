import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ReportingDatabase } from '../database/reporting-database.js';
import type { ReportingConfig } from '../reporting.config.js';
import { REPORTING_CONFIG } from '../reporting.tokens.js';
import { sqlLiteral } from '../database/sql-literal.util.js';
import { ReadOnlySqlServer } from './read-only-sql.server.js';
import { DEVELOPMENT_READER, SqlReadersService } from './sql-readers.service.js';

const STATEMENT_TIMEOUT_MS = 60_000;

/**
 * How BI tools reach the store: the reader role, which may select from the published
 * views and nothing else (reporting_store stays invisible to it) and whose members are
 * the readers (SqlReadersService), and on the embedded default the read-only SQL
 * interface over the PostgreSQL wire protocol, where readers log in with their password.
 */
@Injectable()
export class SqlInterfaceService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SqlInterface');
  private server?: ReadOnlySqlServer;
  /** The port the SQL interface listens on, once started. */
  port?: number;

  constructor(
    private readonly db: ReportingDatabase,
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
    private readonly readers: SqlReadersService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const embedded = this.db.handle.embedded;
    try {
      await this.grantReader();
    } catch (error) {
      this.logger.warn(`could not set up the reader role ${this.config.reader.role} (${(error as Error).message}): BI tools cannot read until an administrator runs the grants of sql-interface.service.ts`);
      return;
    }
    if (!embedded || !this.config.sql) return;
    const development = await this.readers.settleDevelopmentReader();
    const server = (this.server = new ReadOnlySqlServer(embedded, { readers: this.readers, statementTimeoutMs: STATEMENT_TIMEOUT_MS }));
    this.readers.onRevoked((name) => server.disconnect(name));
    this.port = await server.listen(this.config.sql.port, this.config.sql.host);
    const host = this.config.sql.host === '0.0.0.0' ? 'localhost' : this.config.sql.host;
    this.logger.log(`SQL interface (read only) on postgresql://<reader>@${host}:${this.port}/reporting: each reader logs in with its own password (npm run sql-reader -- create <name>)`);
    if (development) {
      this.logger.log(
        `development reader (NODE_ENV is not production): psql postgresql://${DEVELOPMENT_READER.name}:${DEVELOPMENT_READER.password}@${host}:${this.port}/reporting, or user ${DEVELOPMENT_READER.name} with password ${DEVELOPMENT_READER.password} in a BI tool`,
      );
    }
  }

  async onModuleDestroy(): Promise<void> {
    await this.server?.close();
  }

  /**
   * Idempotent: every start brings the role's rights to exactly these, views added since
   * included. Nobody logs in as the role itself: its members do, each with a password of
   * its own (a shared password, as the role once had, is removed).
   */
  private async grantReader(): Promise<void> {
    const { role } = this.config.reader;
    await this.db.$executeRawUnsafe(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${sqlLiteral(role)}) THEN CREATE ROLE "${role}"; END IF; END $$`);
    await this.db.$executeRawUnsafe(`ALTER ROLE "${role}" WITH NOSUPERUSER NOCREATEDB NOCREATEROLE NOLOGIN PASSWORD NULL`);
    await this.db.$executeRawUnsafe(`REVOKE ALL ON SCHEMA reporting_store FROM PUBLIC, "${role}"`);
    await this.db.$executeRawUnsafe(`GRANT USAGE ON SCHEMA reporting_v1 TO "${role}"`);
    await this.db.$executeRawUnsafe(`GRANT SELECT ON ALL TABLES IN SCHEMA reporting_v1 TO "${role}"`);
    // The published functions (convert_minor_units, rate_or_raise): PUBLIC may run them by default, a server may have revoked that.
    await this.db.$executeRawUnsafe(`GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA reporting_v1 TO "${role}"`);
  }
}
