import { Injectable } from '@nestjs/common';
import { REPORTING_TABLES, type ReportingTable, type TableFreshness } from '@tributary/contracts';
import { ReportingDatabase } from '../database/reporting-database.js';

/** How far behind its source each store table is: now − the watermark its pump delivered. */
@Injectable()
export class FreshnessService {
  constructor(private readonly db: ReportingDatabase) {}

  async freshness(now = Date.now()): Promise<TableFreshness[]> {
    const rows = await this.db.$queryRawUnsafe<Array<{ table: ReportingTable; watermark: Date | null; rows_pumped: bigint }>>(
      `SELECT "table", watermark, rows_pumped FROM reporting_store.pump_checkpoints`,
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
      };
    });
  }
}
