import { Injectable } from '@nestjs/common';
import { ProblemCode, ReservationRefusal, ReservationState, type QuantityLine, type StockLevel, type StockReservation } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { WRITE_TRANSACTION } from '@tributary/database';
import { CatalogDatabase } from '../database/catalog-database.js';
import type { Prisma } from '../generated/prisma/client.js';

interface ReservationRow {
  id: string;
  state: ReservationState;
  refusal: StockReservation['refusal'] | null;
  updatedAt: Date;
}

/** Quantities per product, whatever the lines repeat. */
function quantitiesByProduct(lines: readonly QuantityLine[]): Map<string, number> {
  const wanted = new Map<string, number>();
  for (const line of lines) wanted.set(line.productId, (wanted.get(line.productId) ?? 0) + line.quantity);
  return wanted;
}

const sameLines = (a: readonly QuantityLine[], b: readonly QuantityLine[]) =>
  a.length === b.length && a.every((line, index) => line.productId === b[index]!.productId && line.quantity === b[index]!.quantity);

/**
 * Stock and its reservations. Each call is one local transaction and idempotent by the
 * reservation's id: the id's row is written first (or found), so a repeated or
 * concurrent call with the same id waits for the first and answers what it decided.
 * Stock rows are locked in product order, so two reservations never deadlock, and a
 * CHECK keeps on hand from going negative whatever happens.
 */
@Injectable()
export class StockService {
  constructor(private readonly db: CatalogDatabase) {}

  reserve(id: string, lines: readonly QuantityLine[]): Promise<StockReservation> {
    return this.db.$transaction(async (tx) => {
      const created = await tx.$queryRaw<unknown[]>`INSERT INTO stock_reservations (id, state) VALUES (${id}, 'RESERVED') ON CONFLICT (id) DO NOTHING RETURNING id`;
      if (created.length === 0) {
        const existing = await this.findOrThrow(tx, id);
        // A release that came first leaves no lines: the reservation it cancelled holds nothing.
        if (existing.lines.length > 0 && !sameLines(existing.lines, lines)) {
          throw new DomainException(ProblemCode.failedPrecondition, `reservation ${id} exists with other lines`, [{ field: 'lines', message: `reservation ${id} was made with other lines; a reservation id is used once` }]);
        }
        return existing;
      }
      await tx.$executeRaw`
        INSERT INTO stock_reservation_lines (reservation_id, line_no, product_id, quantity)
        SELECT ${id}, n, p, q FROM unnest(${lines.map((l) => l.productId)}::text[], ${lines.map((l) => l.quantity)}::int[]) WITH ORDINALITY AS l(p, q, n)`;
      const refusal = await this.takeOrRefuse(tx, quantitiesByProduct(lines));
      if (refusal) await tx.$executeRaw`UPDATE stock_reservations SET state = 'REJECTED', refusal = ${JSON.stringify(refusal)}::jsonb WHERE id = ${id}`;
      return this.findOrThrow(tx, id);
    }, WRITE_TRANSACTION);
  }

  /** Gives the units back. Releasing what was never reserved records the release, so a late reservation with the id holds nothing. */
  release(id: string): Promise<StockReservation> {
    return this.db.$transaction(async (tx) => {
      const created = await tx.$queryRaw<unknown[]>`INSERT INTO stock_reservations (id, state) VALUES (${id}, 'RELEASED') ON CONFLICT (id) DO NOTHING RETURNING id`;
      if (created.length > 0) return this.findOrThrow(tx, id);
      const state = await this.lockState(tx, id);
      if (state === ReservationState.COMMITTED) throw new DomainException(ProblemCode.failedPrecondition, `reservation ${id} is committed: it can no longer be released`);
      if (state === ReservationState.RESERVED) {
        await tx.$executeRaw`
          UPDATE stock_levels s SET stock_on_hand = s.stock_on_hand + l.quantity, updated_at = clock_timestamp()
          FROM (SELECT product_id, sum(quantity)::int AS quantity FROM stock_reservation_lines WHERE reservation_id = ${id} GROUP BY product_id) l
          WHERE s.product_id = l.product_id`;
        await tx.$executeRaw`UPDATE stock_reservations SET state = 'RELEASED', updated_at = clock_timestamp() WHERE id = ${id}`;
      }
      return this.findOrThrow(tx, id);
    }, WRITE_TRANSACTION);
  }

  /** Turns the reservation into a sale: its units stay off the shelf. */
  commit(id: string): Promise<StockReservation> {
    return this.db.$transaction(async (tx) => {
      const state = await this.lockState(tx, id);
      if (state === undefined) throw DomainException.notFound('reservation', id);
      if (state === ReservationState.RELEASED || state === ReservationState.REJECTED) {
        throw new DomainException(ProblemCode.failedPrecondition, `reservation ${id} is ${state}: there is nothing to commit`);
      }
      if (state === ReservationState.RESERVED) await tx.$executeRaw`UPDATE stock_reservations SET state = 'COMMITTED', updated_at = clock_timestamp() WHERE id = ${id}`;
      return this.findOrThrow(tx, id);
    }, WRITE_TRANSACTION);
  }

  async find(id: string): Promise<StockReservation> {
    return this.findOrThrow(this.db, id);
  }

  /** On hand, reserved and committed units of each product; undefined for an unknown product. */
  async levels(productIds: readonly string[]): Promise<Array<StockLevel | undefined>> {
    const rows = await this.db.$queryRaw<StockLevel[]>`
      SELECT p.id AS "productId", coalesce(s.stock_on_hand, 0) AS "stockOnHand",
        coalesce(r.reserved, 0)::int AS reserved, coalesce(r.committed, 0)::int AS committed
      FROM products p
      LEFT JOIN stock_levels s ON s.product_id = p.id
      LEFT JOIN LATERAL (
        SELECT sum(l.quantity) FILTER (WHERE sr.state = 'RESERVED') AS reserved, sum(l.quantity) FILTER (WHERE sr.state = 'COMMITTED') AS committed
        FROM stock_reservation_lines l JOIN stock_reservations sr ON sr.id = l.reservation_id
        WHERE l.product_id = p.id
      ) r ON true
      WHERE p.id = ANY(${[...productIds]}::text[])`;
    const byId = new Map(rows.map((row) => [row.productId, row]));
    return productIds.map((id) => byId.get(id));
  }

  /** A stock count: sets what is on the shelf. */
  async count(productId: string, stockOnHand: number): Promise<StockLevel> {
    const written = await this.db.$executeRaw`
      INSERT INTO stock_levels (product_id, stock_on_hand) SELECT id, ${stockOnHand} FROM products WHERE id = ${productId}
      ON CONFLICT (product_id) DO UPDATE SET stock_on_hand = excluded.stock_on_hand, updated_at = clock_timestamp()`;
    if (written === 0) throw DomainException.notFound('product', productId);
    const [level] = await this.levels([productId]);
    return level!;
  }

  /**
   * Takes every wanted quantity off the shelf, or nothing and says why: an unknown
   * product before a short one. The rows are locked first, in product order.
   */
  private async takeOrRefuse(tx: Prisma.TransactionClient, wanted: Map<string, number>): Promise<StockReservation['refusal'] | undefined> {
    const ids = [...wanted.keys()].sort();
    const onHand = new Map(
      (await tx.$queryRaw<Array<{ product_id: string; stock_on_hand: number }>>`
        SELECT product_id, stock_on_hand FROM stock_levels WHERE product_id = ANY(${ids}::text[]) ORDER BY product_id FOR UPDATE`).map((row) => [row.product_id, row.stock_on_hand]),
    );
    const withoutStockRow = ids.filter((productId) => !onHand.has(productId));
    if (withoutStockRow.length > 0) {
      const known = new Set((await tx.$queryRaw<Array<{ id: string }>>`SELECT id FROM products WHERE id = ANY(${withoutStockRow}::text[])`).map((row) => row.id));
      const unknown = withoutStockRow.filter((productId) => !known.has(productId));
      if (unknown.length > 0) return { reason: ReservationRefusal.UNKNOWN_PRODUCT, productIds: unknown };
    }
    const short = ids.filter((productId) => (onHand.get(productId) ?? 0) < wanted.get(productId)!);
    if (short.length > 0) return { reason: ReservationRefusal.OUT_OF_STOCK, productIds: short };
    await tx.$executeRaw`
      UPDATE stock_levels s SET stock_on_hand = s.stock_on_hand - w.quantity, updated_at = clock_timestamp()
      FROM unnest(${ids}::text[], ${ids.map((productId) => wanted.get(productId)!)}::int[]) AS w(product_id, quantity)
      WHERE s.product_id = w.product_id`;
    return undefined;
  }

  private async lockState(tx: Prisma.TransactionClient, id: string): Promise<ReservationState | undefined> {
    const [row] = await tx.$queryRaw<Array<{ state: ReservationState }>>`SELECT state FROM stock_reservations WHERE id = ${id} FOR UPDATE`;
    return row?.state;
  }

  private async findOrThrow(client: Pick<CatalogDatabase, '$queryRaw'>, id: string): Promise<StockReservation> {
    const [row] = await client.$queryRaw<ReservationRow[]>`SELECT id, state, refusal, updated_at AS "updatedAt" FROM stock_reservations WHERE id = ${id}`;
    if (!row) throw DomainException.notFound('reservation', id);
    const lines = await client.$queryRaw<QuantityLine[]>`
      SELECT product_id AS "productId", quantity FROM stock_reservation_lines WHERE reservation_id = ${id} ORDER BY line_no`;
    return { id: row.id, state: row.state, lines, ...(row.refusal ? { refusal: row.refusal } : {}), updatedAt: row.updatedAt.toISOString() };
  }
}
