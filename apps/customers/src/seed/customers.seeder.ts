import { Injectable } from '@nestjs/common';
import { DemoDataSet, writeInBatches, type DemoDataSpec, type SeedProgress } from '@tributary/demo-data';
import { KEEP_UPDATED_AT, withCheckpoints } from '@tributary/database';
import type { Seeder } from '@tributary/service-kit';
import { CustomersDatabase } from '../database/customers-database.js';

const BATCH_SIZE = 5000;

@Injectable()
export class CustomersSeeder implements Seeder {
  constructor(private readonly db: CustomersDatabase) {}

  async isEmpty(): Promise<boolean> {
    return (await this.db.customer.findFirst({ select: { id: true } })) === null;
  }

  async wipe(): Promise<void> {
    await this.db.$executeRaw`TRUNCATE customers, customer_credit`;
  }

  async seed(spec: DemoDataSpec, progress: SeedProgress): Promise<void> {
    const data = new DemoDataSet(spec);
    // One INSERT … SELECT FROM unnest(arrays) per batch: 7 parameters whatever the batch size.
    // Demo data is history: it keeps its own updatedAt.
    await writeInBatches('customers', data.customers(), spec.customers, BATCH_SIZE, withCheckpoints(this.db.handle, (batch) => this.db.$transaction([this.db.$executeRawUnsafe(KEEP_UPDATED_AT), this.db.$executeRaw`
      INSERT INTO customers (id, name, email, country, created_at, updated_at)
      SELECT * FROM unnest(
        ${batch.map((c) => c.id)}::text[], ${batch.map((c) => c.name)}::text[], ${batch.map((c) => c.email)}::text[],
        ${batch.map((c) => c.country)}::text[], ${batch.map((c) => c.createdAt)}::timestamptz[], ${batch.map((c) => c.updatedAt)}::timestamptz[])`]).then(() => undefined)), progress);
  }
}
