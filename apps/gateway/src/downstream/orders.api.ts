import {
  ProblemCode,
  type AggregateMeasure,
  type AggregateOrdersRequest,
  type AggregateOrdersResponse,
  type BatchGetResponse,
  type ListPage,
  type Order,
  type OrderPlacement,
  type OrderPlacementRequest,
  type OrdersByCustomerResponse,
  type OrdersListQuery,
  type PlacedPeriod,
} from '@tributary/contracts';
import { DownstreamError } from './downstream.error.js';
import type { DownstreamStats } from './downstream-stats.js';
import type { ServiceClient } from './service-client.js';

/** The orders service's batch contract, aggregates and order placements, as the gateway calls them. */
export class OrdersApi {
  constructor(private readonly http: ServiceClient) {}

  /** With a read mask, each order has only those fields. */
  batchGet(ids: readonly string[], stats: DownstreamStats, readMask?: string): Promise<BatchGetResponse<'order', Order>> {
    return this.http.call({ method: 'POST', path: '/v1/orders:batchGet', body: { ids, readMask }, keys: ids.length, idempotent: true, listField: 'results' }, stats);
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

  /** Idempotent by the request's key: sent again, it answers the placement the first one made. */
  placeOrder(request: OrderPlacementRequest, stats: DownstreamStats): Promise<OrderPlacement> {
    return this.http.call({ method: 'POST', path: '/v1/orderPlacements', body: request, keys: 0, idempotent: true }, stats);
  }

  /** The placement, once it has ended or after `waitSeconds`, whichever comes first; null when the orders service has none with this id. */
  async orderPlacement(id: string, waitSeconds: number, stats: DownstreamStats): Promise<OrderPlacement | null> {
    try {
      return await this.http.call(
        { method: 'GET', path: `/v1/orderPlacements/${encodeURIComponent(id)}`, query: { waitSeconds }, keys: 0, idempotent: true, waitMs: waitSeconds * 1000 },
        stats,
      );
    } catch (error) {
      if (error instanceof DownstreamError && error.problem?.code === ProblemCode.notFound) return null;
      throw error;
    }
  }
}
