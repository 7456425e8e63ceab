import type { Currency, Instant } from './common.js';
import type { OrderStatus, PlacedPeriod } from './order.js';

export const AGGREGATE_GROUPINGS = ['customer', 'product', 'month', 'none'] as const;
export type AggregateGrouping = (typeof AGGREGATE_GROUPINGS)[number];

/** The measures of a group besides its key, currency and revenue, which are always there. */
export const AGGREGATE_MEASURES = ['orderCount', 'units', 'customerCount', 'firstPlacedAt', 'lastPlacedAt'] as const;
export type AggregateMeasure = (typeof AGGREGATE_MEASURES)[number];

export const MAX_AGGREGATE_LIMIT = 100_000;

/** `POST /v1/orders:aggregate` */
export interface AggregateOrdersRequest extends PlacedPeriod {
  groupBy: AggregateGrouping;
  /** Only orders in these statuses; all when absent. */
  statuses?: OrderStatus[];
  customerIds?: string[];
  /** A read mask: only these measures besides revenueCents; all when absent. */
  measures?: AggregateMeasure[];
  /** At most this many groups (the top ones for customer and product). */
  limit?: number;
}

export interface AggregateMeasures {
  orderCount: number;
  units: number;
  customerCount: number;
  firstPlacedAt: Instant;
  lastPlacedAt: Instant;
}

/**
 * One group of an aggregate that asked for the measures M. Groups never mix
 * currencies; key is a customerId, a productId or YYYY-MM (UTC), null for none.
 */
export type OrderAggregate<M extends AggregateMeasure = never> = { key: string | null; currency: Currency; revenueCents: number } & Pick<AggregateMeasures, M>;

/** A group as it travels: the measures asked for are there, the others absent. */
export type OrderAggregateEntry = OrderAggregate & Partial<AggregateMeasures>;

export interface AggregateOrdersResponse<M extends AggregateMeasure = AggregateMeasure> {
  groups: Array<OrderAggregate<M>>;
}
