import type {
  AggregateMeasure,
  AggregateOrdersRequest,
  AggregateOrdersResponse,
  BatchGetResponse,
  ListPage,
  Order,
  OrdersByCustomerResponse,
  OrdersListQuery,
  PlacedPeriod,
} from '@tributary/contracts';
import type { DownstreamStats } from './downstream-stats.js';
import type { ServiceClient } from './service-client.js';

/** The orders service's batch contract and aggregates, as the gateway calls them. */
export class OrdersApi {
  constructor(private readonly http: ServiceClient) {}

  batchGet(ids: readonly string[], stats: DownstreamStats): Promise<BatchGetResponse<'order', Order>> {
    return this.http.call({ method: 'POST', path: '/v1/orders:batchGet', body: { ids }, keys: ids.length, idempotent: true, listField: 'results' }, stats);
  }

  list(query: OrdersListQuery & { pageSize: number }, stats: DownstreamStats): Promise<ListPage<'orders', Order>> {
    return this.http.call({ method: 'GET', path: '/v1/orders', query: { ...query }, keys: 0, idempotent: true, listField: 'orders' }, stats);
  }

  batchGetByCustomer(customerIds: readonly string[], period: PlacedPeriod, stats: DownstreamStats): Promise<OrdersByCustomerResponse> {
    return this.http.call(
      { method: 'POST', path: '/v1/orders:batchGetByCustomer', body: { customerIds, ...period }, keys: customerIds.length, idempotent: true, listField: 'results' },
      stats,
    );
  }

  aggregate<M extends AggregateMeasure>(request: AggregateOrdersRequest & { measures: M[] }, stats: DownstreamStats): Promise<AggregateOrdersResponse<M>> {
    return this.http.call({ method: 'POST', path: '/v1/orders:aggregate', body: request, keys: request.customerIds?.length ?? 0, idempotent: true, listField: 'groups' }, stats);
  }
}
