import type { Currency, Instant } from './common.js';
import type { ListQuery } from './batch.js';

export const OrderStatus = {
  /** Being placed: its placement has not confirmed it yet. Reports do not count it. */
  PENDING: 'PENDING',
  PLACED: 'PLACED',
  PAID: 'PAID',
  SHIPPED: 'SHIPPED',
  CANCELLED: 'CANCELLED',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];
export const ORDER_STATUSES: readonly OrderStatus[] = Object.values(OrderStatus);

/**
 * Reports count what was sold: an order in any status but PENDING (not confirmed yet)
 * and CANCELLED. The one place that says so; every report, of every source, asks for
 * these statuses.
 */
export const COUNTED_ORDER_STATUSES: readonly OrderStatus[] = ORDER_STATUSES.filter((status) => status !== OrderStatus.CANCELLED && status !== OrderStatus.PENDING);

export const ORDER_LIMITS = { linesPerOrder: 100, quantity: 10_000 } as const;

export interface OrderLine {
  /** Position of the line in its order, from 1. */
  lineNo: number;
  productId: string;
  quantity: number;
  /** Price of one unit in cents of the order's currency. */
  unitPriceCents: number;
}

/** An order with its lines, as the orders service sends it. */
export interface Order {
  id: string;
  customerId: string;
  placedAt: Instant;
  status: OrderStatus;
  currency: Currency;
  /** Sum of quantity × unitPriceCents over the lines; below 2^53. */
  totalCents: number;
  /** Sum of the lines' quantities. */
  units: number;
  updatedAt: Instant;
  lines: OrderLine[];
}

export interface OrderLineInput {
  productId: string;
  quantity: number;
  unitPriceCents: number;
}

/** `POST /v1/orders`: totalCents and units are computed from the lines. */
export interface OrderInput {
  customerId: string;
  /** Now when absent. */
  placedAt?: Instant;
  /** PLACED when absent. */
  status?: OrderStatus;
  currency: Currency;
  lines: OrderLineInput[];
}

/** `PATCH /v1/orders/{id}`: orders are immutable once placed but for their status. */
export interface OrderChanges {
  status?: OrderStatus;
}

/** A period of placement: from inclusive, to exclusive. */
export interface PlacedPeriod {
  placedFrom?: Instant;
  placedTo?: Instant;
}

export interface OrdersListQuery extends ListQuery, PlacedPeriod {
  customerId?: string;
  status?: OrderStatus;
}

/** `POST /v1/orders:batchGetByCustomer` */
export interface OrdersByCustomerRequest extends PlacedPeriod {
  customerIds: string[];
}

/** One entry per requested customer id, in order; its orders oldest first. */
export interface CustomerOrders {
  customerId: string;
  orders: Order[];
}

export interface OrdersByCustomerResponse {
  results: CustomerOrders[];
}
