import type { Currency, Instant } from './common.js';

/**
 * Placing an order across the three services (DESIGN.md, "Placing an order"): the
 * catalog's stock reservations, the customers' credit check, and the orders service's
 * OrderPlacement, the persisted process that calls them and compensates what it did.
 */

/** One product and how many of its units a reservation or a placement wants. */
export interface QuantityLine {
  productId: string;
  quantity: number;
}

// ---- catalog: stock -------------------------------------------------------------------

/** How much of a product is on the shelf (not reserved, not committed to an order). */
export interface StockLevel {
  productId: string;
  /** Units free to reserve. Never negative. */
  stockOnHand: number;
  /** Units held by reservations that are neither committed nor released. */
  reserved: number;
  /** Units taken by committed reservations: sold. */
  committed: number;
}

/** `PUT /v1/stockLevels/{productId}`: a stock count sets what is on hand. */
export interface StockCount {
  stockOnHand: number;
}

export const ReservationState = {
  /** Every line is held: on hand went down by the quantities. */
  RESERVED: 'RESERVED',
  /** Refused as a whole (out of stock, unknown product): nothing was held. */
  REJECTED: 'REJECTED',
  /** Given back: the quantities are on hand again (or were never taken, when the release came first). */
  RELEASED: 'RELEASED',
  /** Turned into a sale: the quantities stay off the shelf for good. */
  COMMITTED: 'COMMITTED',
} as const;
export type ReservationState = (typeof ReservationState)[keyof typeof ReservationState];
export const RESERVATION_STATES: readonly ReservationState[] = Object.values(ReservationState);

export const ReservationRefusal = {
  OUT_OF_STOCK: 'OUT_OF_STOCK',
  UNKNOWN_PRODUCT: 'UNKNOWN_PRODUCT',
} as const;
export type ReservationRefusal = (typeof ReservationRefusal)[keyof typeof ReservationRefusal];

/** `POST /v1/stockReservations`: all lines or none. The id is the caller's: repeating the call returns the first answer. */
export interface StockReservationRequest {
  reservationId: string;
  lines: QuantityLine[];
}

export interface StockReservation {
  id: string;
  state: ReservationState;
  lines: QuantityLine[];
  /** Why a REJECTED reservation was refused, and the products that caused it. */
  refusal?: { reason: ReservationRefusal; productIds: string[] };
  updatedAt: Instant;
}

// ---- customers: credit ----------------------------------------------------------------

export const CreditRefusal = {
  UNKNOWN_CUSTOMER: 'UNKNOWN_CUSTOMER',
  CUSTOMER_BLOCKED: 'CUSTOMER_BLOCKED',
  CREDIT_LIMIT_EXCEEDED: 'CREDIT_LIMIT_EXCEEDED',
} as const;
export type CreditRefusal = (typeof CreditRefusal)[keyof typeof CreditRefusal];

/** `POST /v1/customers/{id}:checkCredit` */
export interface CreditCheckRequest {
  amountCents: number;
  currency: Currency;
}

export interface CreditCheck {
  customerId: string;
  approved: boolean;
  /** Why it was refused; absent when approved. */
  reason?: CreditRefusal;
  /** The largest order the customer may place, in cents of any currency. */
  limitCents?: number;
}

/** `PUT /v1/customers/{id}/credit`: the customer's credit terms. */
export interface CreditTerms {
  limitCents: number;
  blocked: boolean;
}

/** A customer without terms of its own may place orders up to this amount. */
export const DEFAULT_CREDIT_LIMIT_CENTS = 10_000_000;

// ---- orders: the placement ------------------------------------------------------------

export const PlacementState = {
  REQUESTED: 'REQUESTED',
  /** The customer may buy, and the catalog's prices are fixed: the order exists as PENDING. */
  CUSTOMER_CHECKED: 'CUSTOMER_CHECKED',
  STOCK_RESERVED: 'STOCK_RESERVED',
  /** Done: the reservation is committed and the order PLACED. */
  CONFIRMED: 'CONFIRMED',
  /** Undoing what was done: releasing the reservation, cancelling the order. */
  COMPENSATING: 'COMPENSATING',
  /** Done: refused for a business reason, everything undone. */
  REJECTED: 'REJECTED',
  /** Done: a service could not be reached before the deadline (or refused the call itself), everything undone. */
  FAILED: 'FAILED',
} as const;
export type PlacementState = (typeof PlacementState)[keyof typeof PlacementState];
export const PLACEMENT_STATES: readonly PlacementState[] = Object.values(PlacementState);
export const FINAL_PLACEMENT_STATES: readonly PlacementState[] = [PlacementState.CONFIRMED, PlacementState.REJECTED, PlacementState.FAILED];

/** Why a placement was REJECTED or FAILED. */
export const PlacementReason = {
  UNKNOWN_CUSTOMER: 'UNKNOWN_CUSTOMER',
  CUSTOMER_BLOCKED: 'CUSTOMER_BLOCKED',
  CREDIT_REFUSED: 'CREDIT_REFUSED',
  UNKNOWN_PRODUCT: 'UNKNOWN_PRODUCT',
  /** A product is sold in another currency than the order's. */
  CURRENCY_MISMATCH: 'CURRENCY_MISMATCH',
  OUT_OF_STOCK: 'OUT_OF_STOCK',
  /** A service stayed unreachable (or kept failing) until the deadline. */
  DEADLINE_EXCEEDED: 'DEADLINE_EXCEEDED',
  /** A service refused a call as invalid: a defect, not the client's doing. */
  STEP_REFUSED: 'STEP_REFUSED',
} as const;
export type PlacementReason = (typeof PlacementReason)[keyof typeof PlacementReason];

export const PLACEMENT_LIMITS = { idempotencyKeyLength: 128, idempotencyKeyPattern: /^[A-Za-z0-9._:-]+$/ } as const;

/** `POST /v1/orderPlacements` */
export interface OrderPlacementRequest {
  /** The client's key for this order: sending it again returns the same placement. */
  idempotencyKey: string;
  customerId: string;
  currency: Currency;
  lines: QuantityLine[];
}

/** A line as the catalog priced it. */
export interface PricedLine extends QuantityLine {
  unitPriceCents: number;
}

export interface OrderPlacement {
  id: string;
  idempotencyKey: string;
  state: PlacementState;
  customerId: string;
  currency: Currency;
  /** The lines as requested until the catalog prices them, then with their unit prices. */
  lines: Array<QuantityLine & { unitPriceCents?: number }>;
  /** Known once the catalog priced the lines. */
  totalCents?: number;
  /** The order, PENDING from CUSTOMER_CHECKED on; its id is the placement's. */
  orderId?: string;
  reason?: PlacementReason;
  /** What the reason is about: the product out of stock, the service that failed. */
  reasonDetail?: string;
  /** Step attempts that failed for a transient reason (timeout, 5xx, service down) and were retried. */
  retries: number;
  /** The last transient failure, while the placement retries. */
  lastError?: string;
  /** The placement gives up and compensates if it is not confirmed by then. */
  deadline: Instant;
  createdAt: Instant;
  updatedAt: Instant;
}
