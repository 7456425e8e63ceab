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
  /**
   * At most this many groups: the top ones for customer and product, by revenue within
   * each currency (never ranking cents of one currency against another's), or overall
   * when every amount is converted into `currency`.
   */
  limit?: number;
  /**
   * Convert every amount into this currency at each order's (each line's, for product)
   * UTC day rate, rounded half to even per order, then summed (CONVERSION_RULE): the
   * groups are then not split by currency. Refused when it or an order's currency has no
   * rate on or before a day of the period.
   */
  currency?: Currency;
}

/** How the amounts of a converted answer were computed. */
export interface Conversion {
  currency: Currency;
  /** The rates' base (EUR): each rate is units of a currency per unit of it. */
  base: string;
  /** Where the rates came from, e.g. 'ECB' or 'demo'; null when none was needed (every amount already in `currency`). */
  rateSource: string | null;
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
  /** Present when the request asked for `currency`. */
  conversion?: Conversion;
}
