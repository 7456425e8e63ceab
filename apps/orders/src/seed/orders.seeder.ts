import { Injectable } from '@nestjs/common';
import { DemoDataSet, demoRateCount, demoRates, writeInBatches, type DemoDataSpec, type DemoOrder, type DemoRate, type SeedProgress } from '@tributary/demo-data';
import { KEEP_UPDATED_AT, withCheckpoints, withSecondaryIndexesDeferred } from '@tributary/database';
import type { Seeder } from '@tributary/service-kit';
import { OrdersDatabase } from '../database/orders-database.js';

const BATCH_SIZE = 2000;

@Injectable()
export class OrdersSeeder implements Seeder {
  constructor(private readonly db: OrdersDatabase) {}

  async isEmpty(): Promise<boolean> {
    return (await this.db.order.findFirst({ select: { id: true } })) === null;
  }

  async wipe(): Promise<void> {
    await this.db.$executeRaw`TRUNCATE orders, order_lines, rates`;
  }

  async seed(spec: DemoDataSpec, progress: SeedProgress): Promise<void> {
    const data = new DemoDataSet(spec);
    await withSecondaryIndexesDeferred(this.db, ['orders', 'order_lines'], () =>
      writeInBatches('orders', data.orders(), spec.orders, BATCH_SIZE, withCheckpoints(this.db.handle, (batch) => this.insert(batch)), progress),
    );
    // Rates of every business day the orders fall on, so that reports convert from the start.
    await writeInBatches('rates', demoRates(spec), demoRateCount(spec), BATCH_SIZE, (batch) => this.insertRates(batch), progress);
  }

  /** Demo rates keep their own updatedAt, as the rest of the history does. */
  private async insertRates(rates: DemoRate[]): Promise<void> {
    await this.db.$transaction([
      this.db.$executeRawUnsafe(KEEP_UPDATED_AT),
      this.db.$executeRaw`
        INSERT INTO rates (id, date, currency, rate, source, updated_at)
        SELECT * FROM unnest(
          ${rates.map((r) => r.id)}::text[], ${rates.map((r) => r.date)}::date[], ${rates.map((r) => r.currency)}::text[],
          ${rates.map((r) => r.rate)}::numeric[], ${rates.map((r) => r.source)}::text[], ${rates.map((r) => r.updatedAt)}::timestamptz[])`,
    ]);
  }

  /** An order batch and its lines in one transaction, each as one INSERT … SELECT FROM unnest(arrays); demo data is history and keeps its own updatedAt. */
  private async insert(orders: DemoOrder[]): Promise<void> {
    const lines = orders.flatMap((order) => order.lines.map((line) => ({ orderId: order.id, ...line })));
    await this.db.$transaction([
      this.db.$executeRawUnsafe(KEEP_UPDATED_AT),
      this.db.$executeRaw`
        INSERT INTO orders (id, customer_id, placed_at, status, currency, total_cents, units, updated_at)
        SELECT id, customer_id, placed_at, status::"OrderStatus", currency, total_cents, units, updated_at FROM unnest(
          ${orders.map((o) => o.id)}::text[], ${orders.map((o) => o.customerId)}::text[], ${orders.map((o) => o.placedAt)}::timestamptz[],
          ${orders.map((o) => o.status)}::text[], ${orders.map((o) => o.currency)}::text[], ${orders.map((o) => o.totalCents)}::bigint[],
          ${orders.map((o) => o.lines.reduce((sum, line) => sum + line.quantity, 0))}::int[],
          ${orders.map((o) => o.updatedAt)}::timestamptz[]) AS t(id, customer_id, placed_at, status, currency, total_cents, units, updated_at)`,
      this.db.$executeRaw`
        INSERT INTO order_lines (order_id, line_no, product_id, quantity, unit_price_cents)
        SELECT * FROM unnest(
          ${lines.map((l) => l.orderId)}::text[], ${lines.map((l) => l.lineNo)}::int[], ${lines.map((l) => l.productId)}::text[],
          ${lines.map((l) => l.quantity)}::int[], ${lines.map((l) => l.unitPriceCents)}::int[])`,
    ]);
  }
}
