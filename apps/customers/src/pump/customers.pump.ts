import { Injectable } from '@nestjs/common';
import type { ReportingCustomerRow } from '@tributary/contracts';
import { pageWindowArgs, pageWindowSql, sourceChecksum, type PumpedRow, type PumpRange, type PumpSource } from '@tributary/pump-kit';
import { CustomersDatabase } from '../database/customers-database.js';

interface CustomerSourceRow {
  xid: string;
  id: string;
  name: string;
  email: string;
  country: string;
  created_at: Date;
  updated_at: Date;
}

/** The customers service's private row, as the published reporting row. */
export function toReportingCustomerRow(row: CustomerSourceRow): ReportingCustomerRow {
  return { id: row.id, name: row.name, email: row.email, country: row.country, createdAt: row.created_at.toISOString(), version: row.updated_at.toISOString() };
}

@Injectable()
export class CustomersPumpSource implements PumpSource<'customers'> {
  readonly table = 'customers';

  constructor(readonly database: CustomersDatabase) {}

  async readPage(range: PumpRange, limit: number): Promise<Array<PumpedRow<'customers'>>> {
    const rows = await this.database.$queryRawUnsafe<CustomerSourceRow[]>(
      `SELECT xid::text AS xid, id, name, email, country, created_at, updated_at FROM customers WHERE ${pageWindowSql('customers')}`,
      ...pageWindowArgs(range, limit),
    );
    return rows.map((row) => ({ xid: row.xid, row: toReportingCustomerRow(row) }));
  }

  checksum(until: string) {
    return sourceChecksum(this.database, 'customers', until);
  }
}
