import type { DomainEvent, EventData, EventSource, EventType } from '@tributary/contracts';
import { activeTraceparent, tracingEnabled } from '@tributary/core';
import { uuidv7 } from 'uuidv7';

/** What writing to the outbox needs of a transaction's Prisma client. */
export interface OutboxTransaction {
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** A new event about a resource in its wire form: it happened when the resource's database stamped it. */
export function domainEvent<T extends EventType>(source: EventSource, type: T, data: EventData[T]): DomainEvent<T> {
  return { id: uuidv7(), type, source, subject: data.id, occurredAt: data.updatedAt, data };
}

/**
 * Writes an event into the service's outbox table. Call it inside the transaction of
 * the change the event describes (the transactional outbox): the change and its event
 * commit together or not at all, and the relay publishes what committed.
 */
export async function recordEvent(tx: OutboxTransaction, event: DomainEvent): Promise<void> {
  // The write's trace travels in the event itself, so the relay and the store can link to it whichever way it goes.
  const traceparent = tracingEnabled() ? activeTraceparent() : undefined;
  const traced = traceparent ? { ...event, traceparent } : event;
  await tx.$executeRawUnsafe(`INSERT INTO outbox (id, type, subject, event) VALUES ($1::uuid, $2, $3, $4::jsonb)`, event.id, event.type, event.subject, JSON.stringify(traced));
}

/**
 * The options of a service's write transactions (a change and its event). Prisma's
 * default waits 2 s for a transaction to start; on PGlite, which runs one transaction at
 * a time, a write then failed behind another transaction held open longer, where a
 * single statement simply waits its turn.
 */
export const WRITE_TRANSACTION = { maxWait: 30_000, timeout: 30_000 } as const;
