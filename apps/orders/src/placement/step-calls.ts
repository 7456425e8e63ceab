import { request } from 'undici';
import {
  CreditRefusal,
  PlacementReason,
  ReservationRefusal,
  ReservationState,
  type BatchGetEntry,
  type CreditCheck,
  type Currency,
  type PricedLine,
  type Product,
  type QuantityLine,
  type StockReservation,
} from '@tributary/contracts';
import { parseJsonOrUndefined, withServiceCredential, withTraceHeaders, type ServiceCredential } from '@tributary/core';
import type { PlacementConfig } from './placement.config.js';

/**
 * What a step's call came to: done (with what it found), refused for a reason the
 * placement reports, or failed for a reason that may pass (timeout, 5xx, service down),
 * to be tried again after a backoff.
 */
export type StepOutcome<T = void> =
  | { kind: 'done'; value: T }
  | { kind: 'refused'; reason: PlacementReason; detail: string }
  | { kind: 'transient'; error: string };

const done = <T>(value: T): StepOutcome<T> => ({ kind: 'done', value });
const refused = (reason: PlacementReason, detail: string): StepOutcome<never> => ({ kind: 'refused', reason, detail });

interface Answer {
  status: number;
  body: unknown;
}

const CREDIT_REASON: Record<CreditRefusal, PlacementReason> = {
  [CreditRefusal.UNKNOWN_CUSTOMER]: PlacementReason.UNKNOWN_CUSTOMER,
  [CreditRefusal.CUSTOMER_BLOCKED]: PlacementReason.CUSTOMER_BLOCKED,
  [CreditRefusal.CREDIT_LIMIT_EXCEEDED]: PlacementReason.CREDIT_REFUSED,
};

const RESERVATION_REASON: Record<ReservationRefusal, PlacementReason> = {
  [ReservationRefusal.OUT_OF_STOCK]: PlacementReason.OUT_OF_STOCK,
  [ReservationRefusal.UNKNOWN_PRODUCT]: PlacementReason.UNKNOWN_PRODUCT,
};

/**
 * The placement's calls to the customers and catalog services. Each is safe to repeat:
 * reads, or writes idempotent by the reservation id (the placement's id). A call makes
 * one attempt: retrying is the orchestrator's, after a backoff it persists, so that a
 * crash between attempts loses nothing. Each carries the orders service's credential,
 * when it has one (always in production).
 */
export class StepCalls {
  constructor(
    private readonly config: PlacementConfig,
    private readonly credential: ServiceCredential | null = null,
  ) {}

  /** The catalog's prices of the lines, then whether the customer may buy that much. */
  async checkCustomer(customerId: string, currency: Currency, lines: readonly QuantityLine[]): Promise<StepOutcome<PricedLine[]>> {
    const ids = [...new Set(lines.map((line) => line.productId))];
    const products = await this.call(this.config.catalogUrl, '/v1/products:batchGet', { ids });
    if (products.kind !== 'done') return products;
    if (products.value.status !== 200) return this.unexpected('catalog', 'products:batchGet', products.value);
    const results = (products.value.body as { results: Array<BatchGetEntry<'product', Product>> }).results;
    const priceOf = new Map<string, Product>();
    for (const entry of results) if ('product' in entry) priceOf.set(entry.id, entry.product);
    const unknown = ids.filter((id) => !priceOf.has(id));
    if (unknown.length > 0) return refused(PlacementReason.UNKNOWN_PRODUCT, `unknown products: ${unknown.join(', ')}`);
    const otherCurrency = ids.filter((id) => priceOf.get(id)!.currency !== currency);
    if (otherCurrency.length > 0) return refused(PlacementReason.CURRENCY_MISMATCH, `priced in another currency than ${currency}: ${otherCurrency.join(', ')}`);
    const priced = lines.map((line) => ({ ...line, unitPriceCents: priceOf.get(line.productId)!.priceCents }));
    const amountCents = priced.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);

    const credit = await this.call(this.config.customersUrl, `/v1/customers/${encodeURIComponent(customerId)}:checkCredit`, { amountCents, currency });
    if (credit.kind !== 'done') return credit;
    if (credit.value.status !== 200) return this.unexpected('customers', 'checkCredit', credit.value);
    const answer = credit.value.body as CreditCheck;
    if (!answer.approved) {
      const reason = CREDIT_REASON[answer.reason!] ?? PlacementReason.CREDIT_REFUSED;
      return refused(reason, reason === PlacementReason.CREDIT_REFUSED ? `${amountCents} cents is above the limit of ${answer.limitCents}` : `customer ${customerId}`);
    }
    return done(priced);
  }

  /** Holds every line's units, or none: then the catalog says which products were short or unknown. */
  async reserveStock(reservationId: string, lines: readonly QuantityLine[]): Promise<StepOutcome> {
    const answer = await this.call(this.config.catalogUrl, '/v1/stockReservations', { reservationId, lines: lines.map(({ productId, quantity }) => ({ productId, quantity })) });
    if (answer.kind !== 'done') return answer;
    if (answer.value.status !== 200) return this.unexpected('catalog', 'stockReservations', answer.value);
    const reservation = answer.value.body as StockReservation;
    if (reservation.state === ReservationState.RESERVED || reservation.state === ReservationState.COMMITTED) return done(undefined);
    if (reservation.state === ReservationState.REJECTED && reservation.refusal) {
      return refused(RESERVATION_REASON[reservation.refusal.reason], `${reservation.refusal.reason.toLowerCase().replaceAll('_', ' ')}: ${reservation.refusal.productIds.join(', ')}`);
    }
    return refused(PlacementReason.STEP_REFUSED, `the catalog answered the reservation as ${reservation.state}`);
  }

  async commitStock(reservationId: string): Promise<StepOutcome> {
    const answer = await this.call(this.config.catalogUrl, `/v1/stockReservations/${encodeURIComponent(reservationId)}:commit`, {});
    if (answer.kind !== 'done') return answer;
    return answer.value.status === 200 ? done(undefined) : this.unexpected('catalog', 'stockReservations:commit', answer.value);
  }

  /** Gives the units back. `committed` when the catalog had already committed the reservation: the sale stands. */
  async releaseStock(reservationId: string): Promise<StepOutcome<'released' | 'committed'>> {
    const answer = await this.call(this.config.catalogUrl, `/v1/stockReservations/${encodeURIComponent(reservationId)}:release`, {});
    if (answer.kind !== 'done') return answer;
    if (answer.value.status === 200) return done('released');
    if (answer.value.status === 409) return done('committed');
    return this.unexpected('catalog', 'stockReservations:release', answer.value);
  }

  /** A 4xx the step does not expect: the service refused the call itself, which no retry mends. */
  private unexpected(service: string, method: string, answer: Answer): StepOutcome<never> {
    const detail = (answer.body as { detail?: unknown } | undefined)?.detail;
    return refused(PlacementReason.STEP_REFUSED, `${service} ${method} answered ${answer.status}${typeof detail === 'string' ? `: ${detail}` : ''}`);
  }

  /** One POST. No answer in time, a 5xx, a 429 or a broken connection is transient; any other answer is the service's. */
  private async call(baseUrl: string, path: string, body: unknown): Promise<StepOutcome<Answer>> {
    try {
      const response = await request(`${baseUrl}${path}`, {
        method: 'POST',
        headers: withTraceHeaders(await withServiceCredential(this.credential, { 'content-type': 'application/json', accept: 'application/json' })),
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.config.callTimeoutMs),
      });
      const text = await response.body.text();
      if (response.statusCode >= 500 || response.statusCode === 429) return { kind: 'transient', error: `${path} answered ${response.statusCode}` };
      const parsed = parseJsonOrUndefined(text);
      if (parsed === undefined) return { kind: 'transient', error: `${path} answered ${response.statusCode} with a body that is not JSON` };
      return done({ status: response.statusCode, body: parsed });
    } catch (error) {
      const reason = error instanceof Error && error.name === 'TimeoutError' ? `no answer within ${this.config.callTimeoutMs} ms` : (error as Error).message || String(error);
      return { kind: 'transient', error: `${path}: ${reason}` };
    }
  }
}
