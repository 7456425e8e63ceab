import { Injectable } from '@nestjs/common';
import {
  FINAL_PLACEMENT_STATES,
  PLACEMENT_EVENT_OF,
  PlacementState,
  ProblemCode,
  type Currency,
  type OrderPlacement,
  type OrderPlacementRequest,
  type PlacementReason,
  type PricedLine,
  type QuantityLine,
} from '@tributary/contracts';
import { activeTraceparent, DomainException } from '@tributary/core';
import { BACKGROUND_SQL, domainEvent, recordEvent, WRITE_TRANSACTION } from '@tributary/database';
import { uuidv7 } from 'uuidv7';
import { OrdersDatabase } from '../database/orders-database.js';
import type { Prisma, OrderPlacement as PlacementRow } from '../generated/prisma/client.js';

export type { PlacementRow };

/** What a state change may also set. */
export type PlacementChanges = Partial<{ lines: PricedLine[]; totalCents: number; orderId: string; reason: PlacementReason | null; reasonDetail: string | null }>;

const FINAL_STATES_SQL = FINAL_PLACEMENT_STATES.map((state) => `'${state}'`).join(', ');

export function toPlacementDto(row: PlacementRow): OrderPlacement {
  return {
    id: row.id,
    idempotencyKey: row.idempotencyKey,
    state: row.state as PlacementState,
    customerId: row.customerId,
    currency: row.currency as Currency,
    lines: row.lines as unknown as OrderPlacement['lines'],
    ...(row.totalCents !== null ? { totalCents: Number(row.totalCents) } : {}),
    ...(row.orderId ? { orderId: row.orderId } : {}),
    ...(row.reason ? { reason: row.reason as PlacementReason } : {}),
    ...(row.reasonDetail ? { reasonDetail: row.reasonDetail } : {}),
    retries: row.retries,
    ...(row.lastError ? { lastError: row.lastError } : {}),
    deadline: row.deadline.toISOString(),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

const sameRequest = (row: PlacementRow, request: OrderPlacementRequest) => {
  const lines = row.lines as unknown as QuantityLine[];
  return (
    row.customerId === request.customerId &&
    row.currency === request.currency &&
    lines.length === request.lines.length &&
    lines.every((line, index) => line.productId === request.lines[index]!.productId && line.quantity === request.lines[index]!.quantity)
  );
};

/**
 * The placements' persisted state: the orchestrator's only memory. Every state change
 * is a compare-and-set on the state it leaves, committed with its outbox event (and,
 * where the step says so, with the order's own change), so two workers that both took
 * a placement cannot both move it, and a crash leaves it at the last committed state.
 */
@Injectable()
export class PlacementStore {
  constructor(private readonly db: OrdersDatabase) {}

  /** A new placement, or the one made before with this idempotency key (`created` false). */
  async request(request: OrderPlacementRequest, deadlineMs: number): Promise<{ placement: PlacementRow; created: boolean }> {
    const existing = await this.findByKey(request.idempotencyKey);
    if (existing) return { placement: this.sameOrThrow(existing, request), created: false };
    const created = await this.db.$transaction(async (tx) => {
      const [row] = await tx.$queryRaw<PlacementRow[]>`
        INSERT INTO order_placements (id, idempotency_key, state, customer_id, currency, lines, deadline, traceparent)
        VALUES (${uuidv7()}::uuid, ${request.idempotencyKey}, ${PlacementState.REQUESTED}, ${request.customerId}, ${request.currency},
          ${JSON.stringify(request.lines.map(({ productId, quantity }) => ({ productId, quantity })))}::jsonb, clock_timestamp() + ${deadlineMs} * interval '1 millisecond',
          ${activeTraceparent() ?? null})
        ON CONFLICT (idempotency_key) DO NOTHING RETURNING id`;
      if (!row) return undefined;
      const placement = (await tx.orderPlacement.findUnique({ where: { id: row.id } }))!;
      await recordEvent(tx, domainEvent('orders', PLACEMENT_EVENT_OF.REQUESTED, toPlacementDto(placement)));
      return placement;
    }, WRITE_TRANSACTION);
    if (created) return { placement: created, created: true };
    // Another request with the key committed between the look-up and the insert.
    return { placement: this.sameOrThrow((await this.findByKey(request.idempotencyKey))!, request), created: false };
  }

  find(id: string): Promise<PlacementRow | null> {
    return this.db.orderPlacement.findUnique({ where: { id } });
  }

  /**
   * Takes up to `limit` unfinished placements that are due, for `leaseMs`: not one
   * another worker holds, nor one this worker is already on.
   */
  claimDue(owner: string, limit: number, leaseMs: number, busy: readonly string[]): Promise<PlacementRow[]> {
    return this.db.$queryRawUnsafe<PlacementRow[]>(
      `${BACKGROUND_SQL} UPDATE order_placements SET lease_owner = $1, lease_until = clock_timestamp() + $2 * interval '1 millisecond'
       WHERE id IN (
         SELECT id FROM order_placements
         WHERE state NOT IN (${FINAL_STATES_SQL}) AND next_attempt_at <= clock_timestamp()
           AND (lease_until IS NULL OR lease_until < clock_timestamp()) AND NOT (id = ANY($3::uuid[]))
         ORDER BY next_attempt_at LIMIT $4 FOR UPDATE SKIP LOCKED)
       RETURNING id, idempotency_key AS "idempotencyKey", state, customer_id AS "customerId", currency, lines, total_cents AS "totalCents",
         order_id AS "orderId", reason, reason_detail AS "reasonDetail", retries, last_error AS "lastError", deadline,
         next_attempt_at AS "nextAttemptAt", lease_owner AS "leaseOwner", lease_until AS "leaseUntil", traceparent, created_at AS "createdAt", updated_at AS "updatedAt"`,
      owner,
      leaseMs,
      [...busy],
      limit,
    );
  }

  /**
   * Moves a placement from `from` to `to` with its event, and whatever `alongside`
   * writes, in one transaction. Undefined when the placement was no longer in `from`.
   */
  transition(id: string, from: PlacementState, to: PlacementState, changes: PlacementChanges = {}, alongside?: (tx: Prisma.TransactionClient) => Promise<unknown>): Promise<PlacementRow | undefined> {
    return this.db.$transaction(async (tx) => {
      const [row] = await tx.orderPlacement.updateManyAndReturn({
        where: { id, state: from },
        data: {
          state: to,
          ...changes,
          lines: changes.lines as unknown as Prisma.InputJsonValue | undefined,
          totalCents: changes.totalCents === undefined ? undefined : BigInt(changes.totalCents),
          lastError: null,
          nextAttemptAt: new Date(),
          leaseOwner: null,
          leaseUntil: null,
          updatedAt: new Date(),
        },
      });
      if (!row) return undefined;
      await alongside?.(tx);
      await recordEvent(tx, domainEvent('orders', PLACEMENT_EVENT_OF[to], toPlacementDto(row)));
      return row;
    }, WRITE_TRANSACTION);
  }

  /** A transient failure: try the same step again after `delayMs`. */
  async retryLater(id: string, state: PlacementState, error: string, delayMs: number): Promise<void> {
    await this.db.$executeRaw`
      UPDATE order_placements SET retries = retries + 1, last_error = ${error.slice(0, 500)},
        next_attempt_at = clock_timestamp() + ${delayMs} * interval '1 millisecond', lease_owner = NULL, lease_until = NULL
      WHERE id = ${id}::uuid AND state = ${state}`;
  }

  private findByKey(idempotencyKey: string): Promise<PlacementRow | null> {
    return this.db.orderPlacement.findUnique({ where: { idempotencyKey } });
  }

  private sameOrThrow(row: PlacementRow, request: OrderPlacementRequest): PlacementRow {
    if (sameRequest(row, request)) return row;
    const message = `idempotencyKey ${request.idempotencyKey} was used for another order (placement ${row.id}); use a new key for a new order`;
    throw new DomainException(ProblemCode.alreadyExists, message, [{ field: 'idempotencyKey', message }]);
  }
}
