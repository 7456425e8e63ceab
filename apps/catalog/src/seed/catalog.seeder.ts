import { Injectable } from '@nestjs/common';
import { DemoDataSet, writeInBatches, type DemoDataSpec, type SeedProgress } from '@tributary/demo-data';
import { KEEP_UPDATED_AT, withCheckpoints } from '@tributary/database';
import type { Seeder } from '@tributary/service-kit';
import { CatalogDatabase } from '../database/catalog-database.js';

const BATCH_SIZE = 5000;

@Injectable()
export class CatalogSeeder implements Seeder {
  constructor(private readonly db: CatalogDatabase) {}

  async isEmpty(): Promise<boolean> {
    return (await this.db.product.findFirst({ select: { id: true } })) === null;
  }

  async wipe(): Promise<void> {
    await this.db.$executeRaw`TRUNCATE products, stock_levels, stock_reservations, stock_reservation_lines`;
  }

  async seed(spec: DemoDataSpec, progress: SeedProgress): Promise<void> {
    const data = new DemoDataSet(spec);
    // One INSERT … SELECT FROM unnest(arrays) per batch: 7 parameters whatever the batch size.
    // Demo data is history: it keeps its own updatedAt.
    await writeInBatches('products', data.products(), spec.products, BATCH_SIZE, withCheckpoints(this.db.handle, (batch) => this.db.$transaction([this.db.$executeRawUnsafe(KEEP_UPDATED_AT), this.db.$executeRaw`
      INSERT INTO products (id, sku, title, category, price_cents, currency, updated_at)
      SELECT * FROM unnest(
        ${batch.map((p) => p.id)}::text[], ${batch.map((p) => p.sku)}::text[], ${batch.map((p) => p.title)}::text[],
        ${batch.map((p) => p.category)}::text[], ${batch.map((p) => p.priceCents)}::int[], ${batch.map((p) => p.currency)}::text[],
        ${batch.map((p) => p.updatedAt)}::timestamptz[])`]).then(() => undefined)), progress);
    // Every product starts with 100 to 499 units on the shelf, the same for the same product.
    await this.db.$executeRaw`INSERT INTO stock_levels (product_id, stock_on_hand) SELECT id, 100 + abs(hashtext(id)) % 400 FROM products ON CONFLICT DO NOTHING`;
  }
}
