import { createHash } from 'node:crypto';
import { CURRENCIES, EVENTS_OF_SOURCE, ORDER_STATUSES, TABLE_OF_EVENT, UUID_PATTERN, type DomainEvent, type EventTable, type StoredEventType } from '@tributary/contracts';
import { parseJsonOrUndefined } from '@tributary/core';

/** A message as it reached the store: its text, and where it came from (a stream and sequence, or the relay's request). */
export interface ArrivedEvent {
  text: string;
  origin: string;
  /** The message's traceparent header (NATS), read only when tracing is on. */
  traceparent?: string;
}

/** An event to apply to its table; one the store keeps no table for (`table` null); or a poison message. */
export type ReadEvent = { ok: true; event: DomainEvent; table: EventTable | null } | { ok: false; key: string; reason: string };

const isStored = (type: string): type is StoredEventType => Object.hasOwn(TABLE_OF_EVENT, type);

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

type Check = (value: unknown) => boolean;
const text: Check = (value) => typeof value === 'string' && value.length > 0 && !value.includes('\u0000');
const instant: Check = (value) => typeof value === 'string' && INSTANT.test(value) && !Number.isNaN(Date.parse(value));
const integer: Check = (value) => Number.isSafeInteger(value);
const oneOf = (values: readonly string[]): Check => (value) => typeof value === 'string' && values.includes(value);
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/** The fields each table's resource must have, as its event carries it (the wire form of libs/contracts). */
const FIELDS_OF: Record<EventTable, Record<string, Check>> = {
  customers: { id: text, name: text, email: text, country: text, createdAt: instant, updatedAt: instant },
  products: { id: text, sku: text, title: text, category: text, priceCents: integer, currency: oneOf(CURRENCIES), updatedAt: instant },
  orders: {
    id: text,
    customerId: text,
    placedAt: instant,
    status: oneOf(ORDER_STATUSES),
    currency: oneOf(CURRENCIES),
    totalCents: integer,
    units: integer,
    updatedAt: instant,
    lines: (value) => Array.isArray(value) && value.every((line) => isObject(line) && [line.lineNo, line.quantity, line.unitPriceCents].every(integer) && text(line.productId)),
  },
};

const EVENT_SOURCE_OF = new Map<string, string>(Object.entries(EVENTS_OF_SOURCE).flatMap(([source, types]) => types.map((type) => [type, source])));

/** The first thing wrong with an event, or undefined when it is what its type promises. */
function problemOf(event: Record<string, unknown>): string | undefined {
  if (typeof event.type !== 'string' || !EVENT_SOURCE_OF.has(event.type)) return `type ${JSON.stringify(event.type)} is not an event type the store knows`;
  if (event.source !== EVENT_SOURCE_OF.get(event.type)) return `source ${JSON.stringify(event.source)} does not publish ${event.type}`;
  if (!instant(event.occurredAt)) return 'occurredAt must be an ISO-8601 instant';
  if (!isObject(event.data)) return 'data must be an object';
  if (!isStored(event.type)) return event.subject === event.data.id ? undefined : 'subject must be the id of data';
  const fields = FIELDS_OF[TABLE_OF_EVENT[event.type]];
  for (const [field, check] of Object.entries(fields)) if (!check(event.data[field])) return `data.${field} is missing or of the wrong type`;
  if (event.subject !== event.data.id) return 'subject must be the id of data';
  return undefined;
}

/**
 * Reads one arrived message as an event, or says why it cannot be applied. A poison
 * message is keyed by its event id when it has a readable one, else by where it came
 * from and what it holds, so that a redelivery of it is recognised.
 */
export function readEvent({ text: raw, origin }: ArrivedEvent): ReadEvent {
  const parsed = parseJsonOrUndefined(raw);
  const id = isObject(parsed) && typeof parsed.id === 'string' && UUID_PATTERN.test(parsed.id) ? parsed.id.toLowerCase() : undefined;
  const key = id ?? `${origin}:${createHash('sha256').update(raw).digest('hex').slice(0, 32)}`;
  if (!isObject(parsed)) return { ok: false, key, reason: parsed === undefined ? 'not JSON' : 'not a JSON object' };
  if (!id) return { ok: false, key, reason: 'id must be a UUID' };
  const problem = problemOf(parsed);
  if (problem) return { ok: false, key, reason: problem };
  const event = { ...parsed, id } as unknown as DomainEvent;
  return { ok: true, event, table: isStored(event.type) ? TABLE_OF_EVENT[event.type] : null };
}
