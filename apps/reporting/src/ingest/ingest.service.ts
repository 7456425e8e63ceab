import { Injectable } from '@nestjs/common';
import type { PumpBatch, PumpBatchResult, PumpCheckpoint, ReportingTable } from '@tributary/contracts';
import { ReportingDatabase } from '../database/reporting-database.js';
import { ReportingMetrics } from '../metrics/reporting-metrics.js';
import { PumpRolesService } from './pump-roles.service.js';
import { STORE_TABLE_OF, STORE_TABLES_OF, UPSERT_OF } from './store-upserts.js';

/** Below this many changed rows, statistics are left as they are. */
const ANALYZE_AFTER_ROWS = 1000;

interface CheckpointRow {
  table: ReportingTable;
  horizon: string;
  run_target: string | null;
  run_after_xid: string | null;
  run_after_id: string | null;
  run_watermark: Date | null;
  watermark: Date | null;
  rows_pumped: bigint;
}

export function toPumpCheckpoint(row: CheckpointRow): PumpCheckpoint {
  return {
    table: row.table,
    horizon: row.horizon,
    ...(row.run_target !== null && {
      run: { target: row.run_target, afterXid: row.run_after_xid!, afterId: row.run_after_id!, watermark: row.run_watermark!.toISOString() },
    }),
    watermark: row.watermark?.toISOString() ?? null,
    rowsPumped: Number(row.rows_pumped),
  };
}

export const CHECKPOINT_COLUMNS = `"table", horizon::text AS horizon, run_target::text AS run_target, run_after_xid::text AS run_after_xid, run_after_id, run_watermark, watermark, rows_pumped`;

/** What happens between the upsert and the commit, and after it: the fault tests' hook. */
export type IngestFaultHook = (step: 'before-commit' | 'after-commit', table: ReportingTable) => void;

/**
 * Applies what pumps deliver. Rows and the checkpoint they reach commit in one
 * transaction: a pump that dies, or a request that fails, leaves either both or
 * neither, and the pump resumes from the checkpoint the store holds.
 */
@Injectable()
export class IngestService {
  /** Set by tests only. */
  faultHook?: IngestFaultHook;
  /** Rows applied to each table since its planner statistics were last refreshed, and its size then. */
  private readonly sinceAnalyze = new Map<ReportingTable, { applied: number; rows: number }>();

  constructor(
    private readonly db: ReportingDatabase,
    private readonly metrics: ReportingMetrics,
    private readonly roles: PumpRolesService,
  ) {}

  async checkpoint(table: ReportingTable): Promise<PumpCheckpoint> {
    const [row] = await this.db.$queryRawUnsafe<CheckpointRow[]>(`SELECT ${CHECKPOINT_COLUMNS} FROM reporting_store.pump_checkpoints WHERE "table" = $1`, table);
    return row ? toPumpCheckpoint(row) : { table, horizon: '0', watermark: null, rowsPumped: 0 };
  }

  async ingest(table: ReportingTable, batch: PumpBatch): Promise<PumpBatchResult> {
    try {
      const result = await this.apply(table, batch);
      this.metrics.rowsApplied.inc({ table }, result.applied);
      await this.analyzeWhenGrown(table, result.applied);
      return result;
    } catch (error) {
      this.metrics.ingestErrors.inc({ table });
      throw error;
    }
  }

  /**
   * Refreshes a table's planner statistics once a tenth of it has changed since the last
   * time. PGlite has no autovacuum, and a store filled by a load would otherwise be
   * planned as the empty tables it was: reports from a fresh store ran 2-3 times slower.
   */
  private async analyzeWhenGrown(table: ReportingTable, applied: number): Promise<void> {
    const state = this.sinceAnalyze.get(table) ?? { applied: 0, rows: 0 };
    state.applied += applied;
    this.sinceAnalyze.set(table, state);
    if (state.applied < Math.max(ANALYZE_AFTER_ROWS, state.rows / 10)) return;
    for (const target of STORE_TABLES_OF[table]) await this.db.$executeRawUnsafe(`ANALYZE ${target}`);
    const [{ rows }] = await this.db.$queryRawUnsafe<Array<{ rows: number }>>(`SELECT reltuples::float8 AS rows FROM pg_class WHERE oid = $1::regclass`, STORE_TABLE_OF[table]);
    this.sinceAnalyze.set(table, { applied: 0, rows: Math.max(0, rows) });
  }

  private async apply(table: ReportingTable, batch: PumpBatch): Promise<PumpBatchResult> {
    const applied = await this.db.$transaction(
      async (tx) => {
        // The batch writes as its table's pump: that table and its checkpoint, nothing else.
        await tx.$executeRawUnsafe(`SET LOCAL ROLE "${this.roles.roleOf(table)}"`);
        const [{ applied }] = batch.rows.length
          ? await tx.$queryRawUnsafe<Array<{ applied: number }>>(UPSERT_OF[table], JSON.stringify(batch.rows))
          : [{ applied: 0 }];
        const { horizon, run, watermark } = batch.checkpoint;
        await tx.$executeRawUnsafe(
          `INSERT INTO reporting_store.pump_checkpoints AS c ("table", horizon, run_target, run_after_xid, run_after_id, run_watermark, watermark, rows_pumped, updated_at)
           VALUES ($1, $2::numeric, $3::numeric, $4::numeric, $5, $6::timestamptz, $7::timestamptz, $8, now())
           ON CONFLICT ("table") DO UPDATE SET horizon = excluded.horizon, run_target = excluded.run_target, run_after_xid = excluded.run_after_xid,
             run_after_id = excluded.run_after_id, run_watermark = excluded.run_watermark, watermark = excluded.watermark,
             rows_pumped = c.rows_pumped + excluded.rows_pumped, updated_at = now()`,
          table,
          horizon,
          run?.target ?? null,
          run?.afterXid ?? null,
          run?.afterId ?? null,
          run?.watermark ?? null,
          watermark,
          applied,
        );
        this.faultHook?.('before-commit', table);
        return applied;
      },
      { timeout: 120_000, maxWait: 60_000 },
    );
    this.faultHook?.('after-commit', table);
    return { applied, unchanged: batch.rows.length - applied };
  }
}
