import { Injectable } from '@nestjs/common';
import type { Currency, OrderStatus, ReportingOrderLineRow, ReportingOrderRow } from '@tributary/contracts';
import { pageWindowArgs, pageWindowSql, sourceChecksum, type PumpedRow, type PumpRange, type PumpSource } from '@tributary/pump-kit';
import { OrdersDatabase } from '../database/orders-database.js';

interface OrderSourceRow {
  xid: string;
  id: string;
  customer_id: string;
  placed_at: Date;
  status: string;
  currency: string;
  total_cents: bigint;
  units: number;
  updated_at: Date;
  lines: ReportingOrderLineRow[];
}

/** The orders service's private rows, an order and its lines, as the published reporting row. */
export function toReportingOrderRow(row: OrderSourceRow): ReportingOrderRow {
  return {
    id: row.id,
    customerId: row.customer_id,
    placedAt: row.placed_at.toISOString(),
    status: row.status as OrderStatus,
    currency: row.currency as Currency,
    totalCents: Number(row.total_cents),
    units: row.units,
    version: row.updated_at.toISOString(),
    lines: row.lines,
  };
}

/** An order travels with its lines, which are written with it and never change. */
@Injectable()
export class OrdersPumpSource implements PumpSource<'orders'> {
  readonly table = 'orders';

  constructor(readonly database: OrdersDatabase) {}

  async readPage(range: PumpRange, limit: number): Promise<Array<PumpedRow<'orders'>>> {
    const rows = await this.database.$queryRawUnsafe<OrderSourceRow[]>(
      `SELECT xid::text AS xid, id, customer_id, placed_at, status::text AS status, currency, total_cents, units, updated_at,
         (SELECT json_agg(json_build_object('lineNo', l.line_no, 'productId', l.product_id, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents) ORDER BY l.line_no)
          FROM order_lines l WHERE l.order_id = orders.id) AS lines
       FROM orders WHERE ${pageWindowSql('orders')}`,
      ...pageWindowArgs(range, limit),
    );
    return rows.map((row) => ({ xid: row.xid, row: toReportingOrderRow(row) }));
  }

  checksum(until: string) {
    return sourceChecksum(this.database, 'orders', until);
  }
}
