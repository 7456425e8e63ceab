import { Injectable } from '@nestjs/common';
import { REPORTING_TABLES, type ReportingTable, type StoreFreshness, type TableFreshness } from '@tributary/contracts';
import { ReportingDatabase } from '../database/reporting-database.js';
import { EventLagWindow } from '../events/event-lag-window.js';

interface FreshnessRow {
  table: ReportingTable;
  watermark: Date | null;
  rows_pumped: bigint | null;
  events_applied: bigint | null;
  last_occurred_at: Date | null;
  last_applied_at: Date | null;
}

/**
 * How far behind its source each store table is: now − the watermark its batch pump
 * delivered (exact: every change committed before it is in), and what its event pump
 * applied and how long events took to arrive.
 */
@Injectable()
export class FreshnessService {
  constructor(
    private readonly db: ReportingDatabase,
    private readonly lags: EventLagWindow,
  ) {}

  async freshness(now = Date.now()): Promise<TableFreshness[]> {
    const rows = await this.db.$queryRawUnsafe<FreshnessRow[]>(
      `SELECT t."table", c.watermark, c.rows_pumped, e.events_applied, e.last_occurred_at, e.last_applied_at
       FROM unnest($1::text[]) AS t("table")
       LEFT JOIN reporting_store.pump_checkpoints c ON c."table" = t."table"
       LEFT JOIN reporting_store.event_progress e ON e."table" = t."table"`,
      REPORTING_TABLES,
    );
    const byTable = new Map(rows.map((row) => [row.table, row]));
    return REPORTING_TABLES.map((table) => {
      const row = byTable.get(table);
      const watermark = row?.watermark ?? null;
      return {
        table,
        watermark: watermark?.toISOString() ?? null,
        lagSeconds: watermark ? Math.max(0, (now - watermark.getTime()) / 1000) : null,
        rowsPumped: Number(row?.rows_pumped ?? 0),
        events: {
          applied: Number(row?.events_applied ?? 0),
          lastOccurredAt: row?.last_occurred_at?.toISOString() ?? null,
          lastAppliedAt: row?.last_applied_at?.toISOString() ?? null,
          lag: this.lags.of(table, now),
        },
      };
    });
  }

  async store(): Promise<StoreFreshness> {
    const [tables, [{ dead_letters }]] = await Promise.all([
      this.freshness(),
      this.db.$queryRawUnsafe<Array<{ dead_letters: number }>>(`SELECT count(*)::int AS dead_letters FROM reporting_store.dead_letters`),
    ]);
    return { tables, deadLetters: dead_letters };
  }
}
