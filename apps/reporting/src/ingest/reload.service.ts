import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import type { ReportingTable } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { ReportingDatabase } from '../database/reporting-database.js';
import { STORE_TABLES_OF, UPSERT_OF } from './store-upserts.js';

const RELOAD_ID = /^[0-9a-f]{16}$/;

/**
 * A full reload of one table (the backup pump's): rows go to a schema of the reload's
 * own, shaped like the store's tables, through the same upsert as every batch; its
 * commit replaces the table's rows and its checkpoint in one transaction, so readers of
 * reporting_v1 see the old rows until the moment they see all the new ones.
 */
@Injectable()
export class ReloadService {
  constructor(private readonly db: ReportingDatabase) {}

  async begin(table: ReportingTable): Promise<string> {
    const id = randomBytes(8).toString('hex');
    const schema = schemaOf(id);
    await this.db.$transaction(async (tx) => {
      await tx.$executeRawUnsafe(`CREATE SCHEMA ${schema}`);
      for (const target of STORE_TABLES_OF[table]) await tx.$executeRawUnsafe(`CREATE TABLE ${schema}.${nameOf(target)} (LIKE ${target} INCLUDING ALL)`);
    });
    return id;
  }

  async ingest(table: ReportingTable, id: string, rows: unknown[]): Promise<number> {
    const schema = await this.existingSchemaOrThrow(id);
    const [{ applied }] = await this.db.$queryRawUnsafe<Array<{ applied: number }>>(UPSERT_OF[table].replaceAll('reporting_store.', `${schema}.`), JSON.stringify(rows));
    return applied;
  }

  async commit(table: ReportingTable, id: string, checkpoint: { horizon: string; watermark: string }): Promise<number> {
    const schema = await this.existingSchemaOrThrow(id);
    const [main, ...dependents] = STORE_TABLES_OF[table];
    const rows = await this.db.$transaction(
      async (tx) => {
        // Dependent rows (an order's lines) go with their order (ON DELETE CASCADE) and come back after it.
        await tx.$executeRawUnsafe(`DELETE FROM ${main}`);
        const inserted = await tx.$executeRawUnsafe(`INSERT INTO ${main} SELECT * FROM ${schema}.${nameOf(main!)}`);
        for (const target of dependents) await tx.$executeRawUnsafe(`INSERT INTO ${target} SELECT * FROM ${schema}.${nameOf(target)}`);
        await tx.$executeRawUnsafe(
          `INSERT INTO reporting_store.pump_checkpoints AS c ("table", horizon, watermark, rows_pumped, updated_at) VALUES ($1, $2::numeric, $3::timestamptz, $4, now())
           ON CONFLICT ("table") DO UPDATE SET horizon = excluded.horizon, run_target = NULL, run_after_xid = NULL, run_after_id = NULL, run_watermark = NULL,
             watermark = excluded.watermark, rows_pumped = c.rows_pumped + excluded.rows_pumped, updated_at = now()`,
          table,
          checkpoint.horizon,
          checkpoint.watermark,
          inserted,
        );
        await tx.$executeRawUnsafe(`DROP SCHEMA ${schema} CASCADE`);
        return inserted;
      },
      { timeout: 600_000, maxWait: 60_000 },
    );
    for (const target of STORE_TABLES_OF[table]) await this.db.$executeRawUnsafe(`ANALYZE ${target}`);
    return rows;
  }

  async abort(id: string): Promise<void> {
    await this.db.$executeRawUnsafe(`DROP SCHEMA IF EXISTS ${schemaOf(id)} CASCADE`);
  }

  private async existingSchemaOrThrow(id: string): Promise<string> {
    const schema = schemaOf(id);
    const [found] = await this.db.$queryRawUnsafe<unknown[]>(`SELECT 1 FROM pg_namespace WHERE nspname = $1`, schema);
    if (!found) throw DomainException.notFound('reload', id);
    return schema;
  }
}

function schemaOf(id: string): string {
  if (!RELOAD_ID.test(id)) throw DomainException.notFound('reload', id);
  return `reporting_reload_${id}`;
}

const nameOf = (qualified: string) => qualified.slice(qualified.indexOf('.') + 1);
