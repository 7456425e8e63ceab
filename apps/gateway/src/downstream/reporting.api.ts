import type { ExportOperation, ExportOperationPage, ExportRequest, OperationState, StoreReportAnswer, StoreReportName, StoreReportRequest, TableFreshness, TableReconciliation } from '@tributary/contracts';
import type { DownstreamStats } from './downstream-stats.js';
import type { ServiceClient } from './service-client.js';

/** The reporting app's reports, answered from its store. */
export class ReportingApi {
  constructor(private readonly http: ServiceClient) {}

  report<N extends StoreReportName>(name: N, request: StoreReportRequest, stats: DownstreamStats): Promise<StoreReportAnswer<N>> {
    return this.http.call({ method: 'POST', path: `/v1/reports/${name}`, body: request, keys: 0, idempotent: true, listField: 'rows' }, stats);
  }

  freshness(stats: DownstreamStats): Promise<{ tables: TableFreshness[] }> {
    return this.http.call({ method: 'GET', path: '/v1/freshness', keys: 0, idempotent: true, listField: 'tables' }, stats);
  }

  reconciliation(stats: DownstreamStats): Promise<{ tables: TableReconciliation[] }> {
    return this.http.call({ method: 'GET', path: '/v1/reconciliation', keys: 0, idempotent: true, listField: 'tables' }, stats);
  }

  /** Not idempotent: a retry could start the export twice. */
  startExport(request: ExportRequest, stats: DownstreamStats): Promise<ExportOperation> {
    return this.http.call({ method: 'POST', path: '/v1/exports', body: request, keys: 0, idempotent: false }, stats);
  }

  operation(id: string, stats: DownstreamStats): Promise<ExportOperation> {
    return this.http.call({ method: 'GET', path: `/v1/operations/${encodeURIComponent(id)}`, keys: 0, idempotent: true }, stats);
  }

  operations(page: { pageSize: number; pageToken?: string; state?: OperationState }, stats: DownstreamStats): Promise<ExportOperationPage> {
    return this.http.call({ method: 'GET', path: '/v1/operations', query: { ...page }, keys: 0, idempotent: true, listField: 'operations' }, stats);
  }

  /** Cancelling twice is cancelling once. */
  cancelExport(id: string, stats: DownstreamStats): Promise<ExportOperation> {
    return this.http.call({ method: 'POST', path: `/v1/operations/${encodeURIComponent(id)}:cancel`, keys: 0, idempotent: true }, stats);
  }
}
