import { Injectable } from '@nestjs/common';
import type { ReportingRateRow } from '@tributary/contracts';
import { pageWindowArgs, pageWindowSql, sourceChecksum, type PumpedRow, type PumpRange, type PumpSource } from '@tributary/pump-kit';
import { OrdersDatabase } from '../database/orders-database.js';

interface RateSourceRow {
  xid: string;
  id: string;
  date: string;
  currency: string;
  rate: string;
  source: string;
  updated_at: Date;
}

/** The orders service's rate row as the published reporting row: the day and the rate as text, exact. */
export function toReportingRateRow(row: RateSourceRow): ReportingRateRow {
  return { id: row.id, date: row.date, currency: row.currency, rate: row.rate, source: row.source, version: row.updated_at.toISOString() };
}

/**
 * Rates change by bulk load (the ECB loader, the demo seed), not through the API: they
 * have no domain events, and this batch pump alone delivers them.
 */
@Injectable()
export class RatesPumpSource implements PumpSource<'rates'> {
  readonly table = 'rates';

  constructor(readonly database: OrdersDatabase) {}

  async readPage(range: PumpRange, limit: number): Promise<Array<PumpedRow<'rates'>>> {
    const rows = await this.database.$queryRawUnsafe<RateSourceRow[]>(
      `SELECT xid::text AS xid, id, to_char(date, 'YYYY-MM-DD') AS date, currency, rate::text AS rate, source, updated_at FROM rates WHERE ${pageWindowSql('rates')}`,
      ...pageWindowArgs(range, limit),
    );
    return rows.map((row) => ({ xid: row.xid, row: toReportingRateRow(row) }));
  }

  checksum(until: string) {
    return sourceChecksum(this.database, 'rates', until);
  }
}
