import type { Instant } from './common.js';
import type { Customer } from './customer.js';
import type { Order } from './order.js';
import type { OrderPlacement } from './placement.js';
import type { Product } from './product.js';
import type { EventTable, ReportingRows } from './reporting.js';
import type { SameFields } from './type-checks.js';

/**
 * The domain events the services publish, one type per kind of change, versioned in its
 * name: a change that would break a consumer makes `.v2` beside `.v1`. Each carries the
 * resource's whole new state in its wire form, so a consumer never needs to call back.
 */
export interface EventData {
  'customer.created.v1': Customer;
  'customer.updated.v1': Customer;
  'product.created.v1': Product;
  'product.updated.v1': Product;
  'order.created.v1': Order;
  'order.updated.v1': Order;
  // The placement process, one event per state it enters (its whole state, as the others).
  'order.placement.requested.v1': OrderPlacement;
  'order.placement.customer_checked.v1': OrderPlacement;
  'order.placement.stock_reserved.v1': OrderPlacement;
  'order.placement.confirmed.v1': OrderPlacement;
  'order.placement.compensating.v1': OrderPlacement;
  'order.placement.rejected.v1': OrderPlacement;
  'order.placement.failed.v1': OrderPlacement;
}
export type EventType = keyof EventData;

/** The placement's event for each state it enters. */
export const PLACEMENT_EVENT_OF = {
  REQUESTED: 'order.placement.requested.v1',
  CUSTOMER_CHECKED: 'order.placement.customer_checked.v1',
  STOCK_RESERVED: 'order.placement.stock_reserved.v1',
  CONFIRMED: 'order.placement.confirmed.v1',
  COMPENSATING: 'order.placement.compensating.v1',
  REJECTED: 'order.placement.rejected.v1',
  FAILED: 'order.placement.failed.v1',
} as const satisfies Record<OrderPlacement['state'], EventType>;
export type PlacementEventType = (typeof PLACEMENT_EVENT_OF)[keyof typeof PLACEMENT_EVENT_OF];

/** The service whose outbox an event comes from, and the event types it publishes. */
export const EVENTS_OF_SOURCE = {
  customers: ['customer.created.v1', 'customer.updated.v1'],
  catalog: ['product.created.v1', 'product.updated.v1'],
  orders: ['order.created.v1', 'order.updated.v1', ...Object.values(PLACEMENT_EVENT_OF)],
} as const satisfies Record<string, readonly EventType[]>;
export type EventSource = keyof typeof EVENTS_OF_SOURCE;
export const EVENT_SOURCES = Object.keys(EVENTS_OF_SOURCE) as EventSource[];
export const EVENT_TYPES = Object.values(EVENTS_OF_SOURCE).flat() as EventType[];

/** One event as it travels, whatever the transport (NATS JetStream, or straight to the store). */
export interface DomainEvent<T extends EventType = EventType> {
  /** A UUIDv7, unique per event: the broker's deduplication key (Nats-Msg-Id) and the store's memory of what it applied. */
  id: string;
  type: T;
  source: EventSource;
  /** The id of the resource the event is about. */
  subject: string;
  /** When the change was written: the resource's updatedAt, stamped by its database. */
  occurredAt: Instant;
  data: EventData[T];
  /**
   * The W3C trace context of the write that made the event, when the service traces
   * (CloudEvents' distributed tracing extension attribute): consumers link their spans to it.
   */
  traceparent?: string;
}

/**
 * Events about a resource the reporting store keeps. The placement's events tell
 * subscribers how the process goes; the store sees its outcome through the order's own
 * events (PENDING, then PLACED or CANCELLED) and acknowledges the rest without a table.
 */
export type StoredEventType = Exclude<EventType, PlacementEventType>;

/** The store table each stored event type lands in. */
export const TABLE_OF_EVENT: Record<StoredEventType, EventTable> = {
  'customer.created.v1': 'customers',
  'customer.updated.v1': 'customers',
  'product.created.v1': 'products',
  'product.updated.v1': 'products',
  'order.created.v1': 'orders',
  'order.updated.v1': 'orders',
};

/**
 * An event's resource as the reporting row the pumps deliver: the wire form is public,
 * so the event pump needs no mapping of a service's private schema. `version` is the
 * resource's updatedAt, as in the batch pump.
 */
export function reportingRowOf<T extends StoredEventType>(event: DomainEvent<T>): ReportingRows[(typeof TABLE_OF_EVENT)[T]] {
  const { updatedAt, ...rest } = event.data as EventData[StoredEventType];
  return { ...rest, version: updatedAt } as ReportingRows[(typeof TABLE_OF_EVENT)[T]];
}

/** A resource's wire form is its reporting row with updatedAt as the version: a field added to one and not the other fails the type check. */
type AsReportingRow<T extends { updatedAt: Instant }> = Omit<T, 'updatedAt'> & { version: Instant };
const _customerEventsMapOntoTheirRow: SameFields<AsReportingRow<Customer>, ReportingRows['customers']> = true;
const _productEventsMapOntoTheirRow: SameFields<AsReportingRow<Product>, ReportingRows['products']> = true;
const _orderEventsMapOntoTheirRow: SameFields<AsReportingRow<Order>, ReportingRows['orders']> = true;
void [_customerEventsMapOntoTheirRow, _productEventsMapOntoTheirRow, _orderEventsMapOntoTheirRow];

/** What applying a batch of events did (`POST /v1/events:apply`, and each batch a consumer takes from the broker). */
export interface EventsApplied {
  /** Events seen for the first time whose state was newer than the store's: applied. */
  applied: number;
  /** Events seen for the first time whose state the store already had in this version or a newer one. */
  stale: number;
  /** Events the store had applied before (a redelivery): nothing done. */
  duplicates: number;
  /** Events that could not be read or were not what their type promises: set aside with the reason. */
  deadLettered: number;
  /** Events of a known type the store keeps no table for (the placement's steps): acknowledged. */
  notStored: number;
}
