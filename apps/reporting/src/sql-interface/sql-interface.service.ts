import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { ReportingDatabase } from '../database/reporting-database.js';
import type { ReportingConfig } from '../reporting.config.js';
import { REPORTING_CONFIG } from '../reporting.tokens.js';
import { sqlLiteral } from '../database/sql-literal.util.js';
import { ReadOnlySqlServer } from './read-only-sql.server.js';

const STATEMENT_TIMEOUT_MS = 60_000;

/**
 * How BI tools reach the store: the reader role, which may select from the published
 * views and nothing else (reporting_store stays invisible to it), and on the embedded
 * default the read-only SQL interface over the PostgreSQL wire protocol.
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
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const embedded = this.db.handle.embedded;
    try {
      await this.grantReader(embedded !== undefined);
    } catch (error) {
      this.logger.warn(`could not set up the reader role ${this.config.reader.role} (${(error as Error).message}): BI tools cannot read until an administrator runs the grants of sql-interface.service.ts`);
      return;
    }
    if (!embedded || !this.config.sql) return;
    this.server = new ReadOnlySqlServer(embedded, { readerRole: this.config.reader.role, statementTimeoutMs: STATEMENT_TIMEOUT_MS });
    this.port = await this.server.listen(this.config.sql.port, this.config.sql.host);
    this.logger.log(`SQL interface (read only) on postgresql://${this.config.reader.role}@${this.config.sql.host === '0.0.0.0' ? 'localhost' : this.config.sql.host}:${this.port}/reporting`);
  }

  async onModuleDestroy(): Promise<void> {
    await this.server?.close();
  }

  /** Idempotent: every start brings the role's rights to exactly these, views added since included. */
  private async grantReader(embedded: boolean): Promise<void> {
    const { role, password } = this.config.reader;
    const login = embedded ? 'NOLOGIN' : password ? `LOGIN PASSWORD ${sqlLiteral(password)}` : 'NOLOGIN';
    if (!embedded && !password) this.logger.warn(`REPORTING_READER_PASSWORD is not set: the reader role ${role} cannot log in`);
    await this.db.$executeRawUnsafe(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = ${sqlLiteral(role)}) THEN CREATE ROLE "${role}"; END IF; END $$`);
    await this.db.$executeRawUnsafe(`ALTER ROLE "${role}" WITH NOSUPERUSER NOCREATEDB NOCREATEROLE ${login}`);
    await this.db.$executeRawUnsafe(`REVOKE ALL ON SCHEMA reporting_store FROM PUBLIC, "${role}"`);
    await this.db.$executeRawUnsafe(`GRANT USAGE ON SCHEMA reporting_v1 TO "${role}"`);
    await this.db.$executeRawUnsafe(`GRANT SELECT ON ALL TABLES IN SCHEMA reporting_v1 TO "${role}"`);
  }
}
