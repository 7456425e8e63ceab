import type { StoreReportAnswer, StoreReportName, StoreReportRequest } from '@tributary/contracts';
import type { DownstreamStats } from './downstream-stats.js';
import type { ServiceClient } from './service-client.js';

/** The reporting app's reports, answered from its store. */
export class ReportingApi {
  constructor(private readonly http: ServiceClient) {}

  report<N extends StoreReportName>(name: N, request: StoreReportRequest, stats: DownstreamStats): Promise<StoreReportAnswer<N>> {
    return this.http.call({ method: 'POST', path: `/v1/reports/${name}`, body: request, keys: 0, idempotent: true, listField: 'rows' }, stats);
  }
}
