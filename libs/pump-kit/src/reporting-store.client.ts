import type { EventsApplied, PumpBatch, PumpBatchResult, PumpCheckpoint, ReportingTable } from '@tributary/contracts';
import { withServiceCredential, withTraceHeaders, type ServiceCredential } from '@tributary/core';

/** Where a pump delivers: the reporting app's ingest endpoints. */
export interface ReportingStoreTarget {
  checkpoint(table: ReportingTable): Promise<PumpCheckpoint>;
  ingest<T extends ReportingTable>(table: T, batch: PumpBatch<T>): Promise<PumpBatchResult>;
}

export class ReportingStoreError extends Error {}

/**
 * The reporting app over HTTP. A pump never opens the store's database itself: on the
 * embedded default it is a PGlite open in the reporting process, and on PostgreSQL the
 * reporting app applies each batch under that pump's own role. Each call carries the
 * service's credential, when it has one (always in production).
 */
export class ReportingStoreClient implements ReportingStoreTarget {
  constructor(
    private readonly baseUrl: string,
    private readonly credential: ServiceCredential | null = null,
    private readonly timeoutMs = 60_000,
  ) {}

  checkpoint(table: ReportingTable): Promise<PumpCheckpoint> {
    return this.call('GET', `/v1/pumps/${table}/checkpoint`);
  }

  ingest<T extends ReportingTable>(table: T, batch: PumpBatch<T>): Promise<PumpBatchResult> {
    return this.call('POST', `/v1/pumps/${table}:ingest`, batch);
  }

  /** A full reload of a table (the backup pump): rows go aside until `commitReload` swaps them in, with the checkpoint. */
  async beginReload(table: ReportingTable): Promise<string> {
    return (await this.call<{ reload: string }>('POST', `/v1/pumps/${table}/reloads`)).reload;
  }

  async ingestReload<T extends ReportingTable>(table: T, reload: string, rows: Array<PumpBatch<T>['rows'][number]>): Promise<number> {
    return (await this.call<{ applied: number }>('POST', `/v1/pumps/${table}/reloads/${reload}:ingest`, { rows })).applied;
  }

  async commitReload(table: ReportingTable, reload: string, checkpoint: { horizon: string; watermark: string }): Promise<number> {
    return (await this.call<{ rows: number }>('POST', `/v1/pumps/${table}/reloads/${reload}:commit`, { checkpoint })).rows;
  }

  async abortReload(table: ReportingTable, reload: string): Promise<void> {
    await this.call('DELETE', `/v1/pumps/${table}/reloads/${reload}`);
  }

  /** Events as their JSON text, passed on as written: the store sets aside the ones it cannot read. */
  applyEvents(events: readonly string[]): Promise<EventsApplied> {
    return this.call('POST', '/v1/events:apply', undefined, `{"events":[${events.join(',')}]}`);
  }

  private async call<R>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown, json = body === undefined ? undefined : JSON.stringify(body)): Promise<R> {
    let response: Response;
    try {
      response = await fetch(new URL(path, this.baseUrl), {
        method,
        headers: withTraceHeaders(await withServiceCredential(this.credential, json === undefined ? {} : { 'content-type': 'application/json' })),
        body: json,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new ReportingStoreError(`the reporting store at ${this.baseUrl} did not answer ${method} ${path}: ${(error as Error).message}`);
    }
    const text = await response.text();
    if (!response.ok) throw new ReportingStoreError(`the reporting store answered ${method} ${path} with ${response.status}: ${text.slice(0, 500)}`);
    return (text ? JSON.parse(text) : undefined) as R;
  }
}
