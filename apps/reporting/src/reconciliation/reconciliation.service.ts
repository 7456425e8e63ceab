import { Inject, Injectable } from '@nestjs/common';
import { REPORTING_TABLES, type ReportingTable, type TableChecksum, type TableReconciliation } from '@tributary/contracts';
import { SERVICE_CREDENTIAL, withServiceCredential, type ServiceCredential } from '@tributary/core';
import { checksumSql } from '@tributary/pump-kit';
import { ReportingDatabase } from '../database/reporting-database.js';
import { IngestService } from '../ingest/ingest.service.js';
import { STORE_TABLE_OF } from '../ingest/store-upserts.js';
import { REPORTING_CONFIG } from '../reporting.tokens.js';
import type { ReportingConfig } from '../reporting.config.js';

const SOURCE_TIMEOUT_MS = 30_000;

/**
 * Source and store side by side, per table: each service counts and checksums its rows
 * below the horizon its pump has delivered, the store does the same over what it holds.
 * With no pump run in progress and no write since, the two are equal; anything else is
 * a row lost, duplicated or stale.
 */
@Injectable()
export class ReconciliationService {
  constructor(
    private readonly db: ReportingDatabase,
    private readonly ingest: IngestService,
    @Inject(REPORTING_CONFIG) private readonly config: ReportingConfig,
    @Inject(SERVICE_CREDENTIAL) private readonly credential: ServiceCredential | null,
  ) {}

  reconcile(): Promise<TableReconciliation[]> {
    return Promise.all(REPORTING_TABLES.map((table) => this.reconcileTable(table)));
  }

  private async reconcileTable(table: ReportingTable): Promise<TableReconciliation> {
    const checkpoint = await this.ingest.checkpoint(table);
    const [store] = await this.db.$queryRawUnsafe<Array<{ count: bigint; checksum: string }>>(
      `SELECT count(*) AS count, ${checksumSql('id', 'version')} AS checksum FROM ${STORE_TABLE_OF[table]}`,
    );
    const storeSide = { count: Number(store!.count), checksum: store!.checksum };
    // Before its first delivery a table has no horizon: an empty store does not "match" a source it has not read.
    if (checkpoint.watermark === null) return { table, until: null, source: null, store: storeSide, countDifference: null, matches: false, error: 'the pump has delivered nothing yet' };
    try {
      const source = await this.sourceChecksum(table, checkpoint.horizon);
      return {
        table,
        until: checkpoint.horizon,
        source: { count: source.count, checksum: source.checksum },
        store: storeSide,
        countDifference: storeSide.count - source.count,
        matches: storeSide.count === source.count && storeSide.checksum === source.checksum,
      };
    } catch (error) {
      return { table, until: checkpoint.horizon, source: null, store: storeSide, countDifference: null, matches: false, error: (error as Error).message };
    }
  }

  private async sourceChecksum(table: ReportingTable, until: string): Promise<TableChecksum> {
    const url = `${this.config.sources[table]}/v1/${table}:checksum?until=${until}`;
    const response = await fetch(url, { headers: await withServiceCredential(this.credential), signal: AbortSignal.timeout(SOURCE_TIMEOUT_MS) }).catch((error: Error) => {
      throw new Error(`the owner of ${table} did not answer at ${url}: ${error.message}`);
    });
    if (!response.ok) throw new Error(`the owner of ${table} answered ${response.status} at ${url}`);
    return (await response.json()) as TableChecksum;
  }
}
