import type { BatchGetResponse, Product } from '@tributary/contracts';
import type { DownstreamStats } from './downstream-stats.js';
import type { ServiceClient } from './service-client.js';

/** The catalog service's batch contract, as the gateway calls it. */
export class CatalogApi {
  constructor(private readonly http: ServiceClient) {}

  /** With a read mask, each product has only those fields. */
  batchGet(ids: readonly string[], stats: DownstreamStats, readMask?: string): Promise<BatchGetResponse<'product', Product>> {
    return this.http.call({ method: 'POST', path: '/v1/products:batchGet', body: { ids, readMask }, keys: ids.length, idempotent: true, listField: 'results' }, stats);
  }
}
