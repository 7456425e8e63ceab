import type { DownstreamStats } from './downstream-stats.js';
import type { BatchGetResponse } from './service-api.types.js';
import type { ServiceClient } from './service-client.js';

export interface ProductRecord {
  id: string;
  sku: string;
  title: string;
  category: string;
  priceCents: number;
  currency: string;
  updatedAt: string;
}

/** The catalog service's batch contract, as the gateway calls it. */
export class CatalogApi {
  constructor(private readonly http: ServiceClient) {}

  batchGet(ids: readonly string[], stats: DownstreamStats): Promise<BatchGetResponse<'product', ProductRecord>> {
    return this.http.call({ method: 'POST', path: '/v1/products:batchGet', body: { ids }, keys: ids.length, idempotent: true }, stats);
  }
}
