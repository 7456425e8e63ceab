import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { REPORTING_TABLES, type ReportingTable } from '@tributary/contracts';
import { ReportingDatabase } from '../database/reporting-database.js';
import type { ReportingConfig } from '../reporting.config.js';
import { STORE_TABLES_OF } from './store-upserts.js';
import { REPORTING_CONFIG } from '../reporting.tokens.js';
import { sqlLiteral } from '../database/sql-literal.util.js';


/**
 * One role per pumped table, which may write that table, its own checkpoint row and its
 * event pump's rows, and nothing else: the ingest of a table's batch runs as its role, so a mapping that wrote
 * into another service's rows would be refused by the database itself. Roles belong to
 * the whole server; grants are set again on every start.
 */
@Injectable()
export class PumpRolesService implements OnModuleInit {
  constructor(
    private readonly db: ReportingDatabase,
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
  ) {}

  roleOf(table: ReportingTable): string {
    return `${this.config.pumpRolePrefix}${table}`;
  }

  async onModuleInit(): Promise<void> {
    // Each role sees its own table's rows of these: its checkpoint, the events it applied, its event pump's progress.
    const ownRowsOnly = ['pump_checkpoints', 'applied_events', 'event_progress'];
    for (const shared of ownRowsOnly) await this.db.$executeRawUnsafe(`ALTER TABLE reporting_store.${shared} ENABLE ROW LEVEL SECURITY`);
    for (const table of REPORTING_TABLES) {
      const role = this.roleOf(table);
      // Two starts at once (replicas, parallel tests on one server) may both find the role missing.
      await this.db.$executeRawUnsafe(
        `DO $$ BEGIN CREATE ROLE "${role}" NOLOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
      );
      await this.db.$executeRawUnsafe(`GRANT USAGE ON SCHEMA reporting_store TO "${role}"`);
      for (const target of STORE_TABLES_OF[table]) await this.db.$executeRawUnsafe(`GRANT SELECT, INSERT, UPDATE ON ${target} TO "${role}"`);
      // The name this policy had before events had rows of their own.
      await this.db.$executeRawUnsafe(`DROP POLICY IF EXISTS "${role}_own_checkpoint" ON reporting_store.pump_checkpoints`);
      for (const shared of ownRowsOnly) {
        await this.db.$executeRawUnsafe(`GRANT SELECT, INSERT, UPDATE ON reporting_store.${shared} TO "${role}"`);
        await this.db.$executeRawUnsafe(`DROP POLICY IF EXISTS "${role}_own_rows" ON reporting_store.${shared}`);
        await this.db.$executeRawUnsafe(
          `CREATE POLICY "${role}_own_rows" ON reporting_store.${shared} TO "${role}" USING ("table" = ${sqlLiteral(table)}) WITH CHECK ("table" = ${sqlLiteral(table)})`,
        );
      }
    }
  }
}
