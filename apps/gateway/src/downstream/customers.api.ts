import type { BatchGetResponse, Customer, ListPage } from '@tributary/contracts';
import type { DownstreamStats } from './downstream-stats.js';
import type { ServiceClient } from './service-client.js';

/** The customers service's batch contract, as the gateway calls it. */
export class CustomersApi {
  constructor(private readonly http: ServiceClient) {}

  /** With a read mask, each customer has only those fields. */
  batchGet(ids: readonly string[], stats: DownstreamStats, readMask?: string): Promise<BatchGetResponse<'customer', Customer>> {
    return this.http.call({ method: 'POST', path: '/v1/customers:batchGet', body: { ids, readMask }, keys: ids.length, idempotent: true, listField: 'results' }, stats);
  }

  list(query: { pageSize: number; pageToken?: string }, stats: DownstreamStats): Promise<ListPage<'customers', Customer>> {
    return this.http.call({ method: 'GET', path: '/v1/customers', query, keys: 0, idempotent: true, listField: 'customers' }, stats);
  }
}
