import { Injectable } from '@nestjs/common';
import type { Currency, ReportingProductRow } from '@tributary/contracts';
import { pageWindowArgs, pageWindowSql, sourceChecksum, type PumpedRow, type PumpRange, type PumpSource } from '@tributary/pump-kit';
import { CatalogDatabase } from '../database/catalog-database.js';

interface ProductSourceRow {
  xid: string;
  id: string;
  sku: string;
  title: string;
  category: string;
  price_cents: number;
  currency: string;
  updated_at: Date;
}

/** The catalog's private row, as the published reporting row. */
export function toReportingProductRow(row: ProductSourceRow): ReportingProductRow {
  return {
    id: row.id,
    sku: row.sku,
    title: row.title,
    category: row.category,
    priceCents: row.price_cents,
    currency: row.currency as Currency,
    version: row.updated_at.toISOString(),
  };
}

@Injectable()
export class ProductsPumpSource implements PumpSource<'products'> {
  readonly table = 'products';

  constructor(readonly database: CatalogDatabase) {}

  async readPage(range: PumpRange, limit: number): Promise<Array<PumpedRow<'products'>>> {
    const rows = await this.database.$queryRawUnsafe<ProductSourceRow[]>(
      `SELECT xid::text AS xid, id, sku, title, category, price_cents, currency, updated_at FROM products WHERE ${pageWindowSql('products')}`,
      ...pageWindowArgs(range, limit),
    );
    return rows.map((row) => ({ xid: row.xid, row: toReportingProductRow(row) }));
  }

  checksum(until: string) {
    return sourceChecksum(this.database, 'products', until);
  }
}
