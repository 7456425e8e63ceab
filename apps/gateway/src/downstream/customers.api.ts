import type { DownstreamStats } from './downstream-stats.js';
import type { BatchGetResponse, ListPage } from './service-api.types.js';
import type { ServiceClient } from './service-client.js';

export interface CustomerRecord {
  id: string;
  name: string;
  email: string;
  country: string;
  createdAt: string;
  updatedAt: string;
}

/** The customers service's batch contract, as the gateway calls it. */
export class CustomersApi {
  constructor(private readonly http: ServiceClient) {}

  batchGet(ids: readonly string[], stats: DownstreamStats): Promise<BatchGetResponse<'customer', CustomerRecord>> {
    return this.http.call({ method: 'POST', path: '/v1/customers:batchGet', body: { ids }, keys: ids.length, idempotent: true }, stats);
  }

  list(query: { pageSize: number; pageToken?: string }, stats: DownstreamStats): Promise<ListPage<'customers', CustomerRecord>> {
    return this.http.call({ method: 'GET', path: '/v1/customers', query, keys: 0, idempotent: true }, stats);
  }
}
