import type { DownstreamStats } from './downstream-stats.js';
import type { BatchGetResponse, ListPage } from './service-api.types.js';
import type { ServiceClient } from './service-client.js';

export type OrderStatusName = 'PLACED' | 'PAID' | 'SHIPPED' | 'CANCELLED';

export interface OrderLineRecord {
  lineNo: number;
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

export interface OrderRecord {
  id: string;
  customerId: string;
  placedAt: string;
  status: OrderStatusName;
  currency: string;
  totalCents: number;
  updatedAt: string;
  lines: OrderLineRecord[];
}

export interface OrdersListQuery {
  pageSize: number;
  pageToken?: string;
  customerId?: string;
  status?: OrderStatusName;
  placedFrom?: string;
  placedTo?: string;
  updatedSince?: string;
}

export interface Period {
  placedFrom?: string;
  placedTo?: string;
}

export interface AggregateRequest extends Period {
  groupBy: 'customer' | 'product' | 'month' | 'none';
  statuses?: OrderStatusName[];
  customerIds?: string[];
  limit?: number;
}

/** A group's measures besides revenue, computed only when the request names them. */
export type AggregateMeasure = 'orderCount' | 'units' | 'customerCount' | 'firstPlacedAt' | 'lastPlacedAt';

interface AggregateMeasures {
  orderCount: number;
  units: number;
  customerCount: number;
  firstPlacedAt: string;
  lastPlacedAt: string;
}

/** One group of an aggregate that asked for the measures M. */
export type OrderAggregate<M extends AggregateMeasure = never> = { key: string | null; currency: string; revenueCents: number } & Pick<AggregateMeasures, M>;

/** The orders service's batch contract and aggregates, as the gateway calls them. */
export class OrdersApi {
  constructor(private readonly http: ServiceClient) {}

  batchGet(ids: readonly string[], stats: DownstreamStats): Promise<BatchGetResponse<'order', OrderRecord>> {
    return this.http.call({ method: 'POST', path: '/v1/orders:batchGet', body: { ids }, keys: ids.length, idempotent: true }, stats);
  }

  list(query: OrdersListQuery, stats: DownstreamStats): Promise<ListPage<'orders', OrderRecord>> {
    return this.http.call({ method: 'GET', path: '/v1/orders', query: { ...query }, keys: 0, idempotent: true }, stats);
  }

  batchGetByCustomer(customerIds: readonly string[], period: Period, stats: DownstreamStats): Promise<{ results: Array<{ customerId: string; orders: OrderRecord[] }> }> {
    return this.http.call(
      { method: 'POST', path: '/v1/orders:batchGetByCustomer', body: { customerIds, ...period }, keys: customerIds.length, idempotent: true },
      stats,
    );
  }

  aggregate<M extends AggregateMeasure>(request: AggregateRequest & { measures: M[] }, stats: DownstreamStats): Promise<{ groups: Array<OrderAggregate<M>> }> {
    return this.http.call({ method: 'POST', path: '/v1/orders:aggregate', body: request, keys: request.customerIds?.length ?? 0, idempotent: true }, stats);
  }
}
