import { Injectable } from '@nestjs/common';
import { reportingRowOf, type DomainEvent, type EventsApplied, type StoredEventType, type ReportingRows, type ReportingTable } from '@tributary/contracts';
import { inSpan, linkTo, SpanKind, type Span } from '@tributary/core';
import { ReportingDatabase } from '../database/reporting-database.js';
import { PumpRolesService } from '../ingest/pump-roles.service.js';
import { UPSERT_OF } from '../ingest/store-upserts.js';
import { ReportingMetrics } from '../metrics/reporting-metrics.js';
import { EventLagWindow } from './event-lag-window.js';
import { readEvent, type ArrivedEvent } from './event-reading.js';

const REMEMBER_EVENT_IDS_HOURS = 24;
const PRUNE_EVERY_MS = 10 * 60_000;

/** Keeps the newest version of each row: one statement cannot upsert a row twice. */
function newestPerRow<T extends { id: string; version: string }>(rows: T[]): T[] {
  const newest = new Map<string, T>();
  for (const row of rows) {
    const held = newest.get(row.id);
    if (!held || Date.parse(row.version) >= Date.parse(held.version)) newest.set(row.id, row);
  }
  return [...newest.values()];
}

/**
 * Applies domain events to the store, whichever way they came (a JetStream consumer,
 * or a relay posting straight here): the event pump's receiving half. Each table's
 * events commit in one transaction, as that table's pump role: their ids are
 * remembered (a redelivery changes nothing) and their rows are upserted guarded by
 * version, the same statement the batch pump's rows go through, so an event that
 * arrives after a newer state never takes a row back. Events that cannot be applied
 * are set aside in reporting_store.dead_letters with the reason, and the rest flow on.
 */
@Injectable()
export class EventApplyService {
  private lastPrune = 0;

  constructor(
    private readonly db: ReportingDatabase,
    private readonly roles: PumpRolesService,
    private readonly metrics: ReportingMetrics,
    private readonly lags: EventLagWindow,
  ) {}

  /**
   * One span per batch (`events apply`), linked to the write of each event it reads: a
   * batch holds events of many writes, each its own trace, so links rather than one parent.
   */
  apply(arrived: readonly ArrivedEvent[]): Promise<EventsApplied> {
    return inSpan('events apply', { 'messaging.operation.type': 'process', 'messaging.batch.message_count': arrived.length }, (span) => this.applyBatch(arrived, span), SpanKind.CONSUMER);
  }

  private async applyBatch(arrived: readonly ArrivedEvent[], span: Span | undefined): Promise<EventsApplied> {
    const result: EventsApplied = { applied: 0, stale: 0, duplicates: 0, deadLettered: 0, notStored: 0 };
    const byTable = new Map<ReportingTable, DomainEvent[]>();
    const poison: Array<{ key: string; origin: string; text: string; reason: string }> = [];
    for (const message of arrived) {
      const read = readEvent(message);
      if (span) {
        const link = linkTo((read.ok ? read.event.traceparent : undefined) ?? message.traceparent);
        if (link) span.addLink(link);
      }
      if (!read.ok) poison.push({ key: read.key, origin: message.origin, text: message.text, reason: read.reason });
      else if (read.table === null) result.notStored += 1;
      else byTable.set(read.table, [...(byTable.get(read.table) ?? []), read.event]);
    }
    for (const [table, events] of byTable) {
      const { fresh, applied } = await this.applyTable(table, events);
      result.applied += applied;
      result.stale += fresh.length - applied;
      result.duplicates += events.length - fresh.length;
      this.observeLags(table, fresh);
    }
    if (poison.length) result.deadLettered = await this.setAside(poison);
    await this.forgetOldEventIds();
    return result;
  }

  /**
   * Event ids are remembered for a day: far longer than the broker's duplicate window
   * (2 minutes) and its redelivery of unacknowledged messages (seconds). An event older
   * than that is still never applied over a newer state (the version guard).
   */
  private async forgetOldEventIds(): Promise<void> {
    if (Date.now() - this.lastPrune < PRUNE_EVERY_MS) return;
    this.lastPrune = Date.now();
    await this.db.$executeRawUnsafe(`DELETE FROM reporting_store.applied_events WHERE applied_at < clock_timestamp() - interval '${REMEMBER_EVENT_IDS_HOURS} hours'`);
  }

  private async applyTable(table: ReportingTable, events: DomainEvent[]): Promise<{ fresh: DomainEvent[]; applied: number }> {
    return this.db.$transaction(
      async (tx) => {
        await tx.$executeRawUnsafe(`SET LOCAL ROLE "${this.roles.roleOf(table)}"`);
        const remembered = await tx.$queryRawUnsafe<Array<{ event_id: string }>>(
          `INSERT INTO reporting_store.applied_events (event_id, "table") SELECT DISTINCT unnest($1::uuid[]), $2 ON CONFLICT DO NOTHING RETURNING event_id::text`,
          events.map((event) => event.id),
          table,
        );
        const freshIds = new Set(remembered.map((row) => row.event_id));
        const fresh = events.filter((event) => freshIds.delete(event.id));
        if (fresh.length === 0) return { fresh, applied: 0 };
        const rows = newestPerRow(fresh.map((event) => reportingRowOf(event as DomainEvent<StoredEventType>) as ReportingRows[ReportingTable]));
        const [{ applied }] = await tx.$queryRawUnsafe<Array<{ applied: number }>>(UPSERT_OF[table], JSON.stringify(rows));
        const lastOccurredAt = fresh.reduce((latest, event) => (event.occurredAt > latest ? event.occurredAt : latest), fresh[0]!.occurredAt);
        await tx.$executeRawUnsafe(
          `INSERT INTO reporting_store.event_progress AS p ("table", events_applied, last_occurred_at, last_applied_at) VALUES ($1, $2, $3::timestamptz, clock_timestamp())
           ON CONFLICT ("table") DO UPDATE SET events_applied = p.events_applied + excluded.events_applied,
             last_occurred_at = GREATEST(p.last_occurred_at, excluded.last_occurred_at), last_applied_at = excluded.last_applied_at`,
          table,
          fresh.length,
          lastOccurredAt,
        );
        return { fresh, applied };
      },
      { timeout: 60_000, maxWait: 30_000 },
    );
  }

  private observeLags(table: ReportingTable, fresh: readonly DomainEvent[]): void {
    const now = Date.now();
    for (const event of fresh) {
      const seconds = Math.max(0, (now - Date.parse(event.occurredAt)) / 1000);
      this.lags.record(table, seconds, now);
      this.metrics.eventLag.observe({ table }, seconds);
    }
    this.metrics.eventsApplied.inc({ table }, fresh.length);
  }

  /** Returns how many of this batch were set aside (a poison message delivered again is kept once). */
  private async setAside(poison: Array<{ key: string; origin: string; text: string; reason: string }>): Promise<number> {
    await this.db.$executeRawUnsafe(
      `INSERT INTO reporting_store.dead_letters (key, source, payload, reason)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[]) ON CONFLICT (key) DO NOTHING`,
      poison.map((p) => p.key),
      poison.map((p) => p.origin),
      // A NUL character cannot be stored in text: keep what it was, escaped.
      poison.map((p) => p.text.replaceAll('\u0000', '\\u0000')),
      poison.map((p) => p.reason),
    );
    this.metrics.deadLetters.inc(poison.length);
    return poison.length;
  }
}
