import { randomUUID } from 'node:crypto';
import { writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { OrderStatus, PlacementReason, PlacementState, type Currency, type PricedLine, type QuantityLine } from '@tributary/contracts';
import { inSpanContinuing, SERVICE_CREDENTIAL, type ServiceCredential } from '@tributary/core';
import { OrdersService } from '../orders/orders.service.js';
import { PLACEMENT_CONFIG } from './placement.tokens.js';
import type { PlacementConfig, PlacementCrashPoint } from './placement.config.js';
import { PlacementStore, type PlacementChanges, type PlacementRow } from './placement-store.js';
import { StepCalls, type StepOutcome } from './step-calls.js';

/** Reasons that are the service's or the network's, not the order's: the placement ends FAILED, not REJECTED. */
const FAILURE_REASONS: ReadonlySet<PlacementReason> = new Set([PlacementReason.DEADLINE_EXCEEDED, PlacementReason.STEP_REFUSED]);

/** Where a placement goes once everything is undone. */
const endStateOf = (reason: PlacementReason | null) => (reason && FAILURE_REASONS.has(reason) ? PlacementState.FAILED : PlacementState.REJECTED);

/**
 * Advances placements one step at a time. It keeps nothing in memory that matters: each
 * round claims due placements from the database (a lease, so that instances share the
 * work and a dead one's placements return after it expires), makes the call of the
 * placement's state, and records the outcome as a state change (or a retry time). So a
 * process killed anywhere resumes on restart from the last committed state, and a step
 * whose answer was lost is simply made again: every call is idempotent by the
 * placement's id.
 *
 * Forward steps retry transient failures with exponential backoff and jitter until the
 * placement's deadline, then compensate; a business refusal compensates at once.
 * Compensation retries until it succeeds: there is no deadline on undoing.
 */
@Injectable()
export class PlacementOrchestrator implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('placement');
  private readonly owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  private readonly calls: StepCalls;
  private readonly working = new Map<string, Promise<void>>();
  private running = false;
  private loop: Promise<void> | undefined;
  private wake: (() => void) | undefined;

  constructor(
    @Inject(PLACEMENT_CONFIG) private readonly config: PlacementConfig,
    private readonly store: PlacementStore,
    private readonly orders: OrdersService,
    @Inject(SERVICE_CREDENTIAL) credential: ServiceCredential | null,
  ) {
    this.calls = new StepCalls(config, credential);
  }

  onApplicationBootstrap(): void {
    this.running = true;
    this.loop = this.run();
  }

  async onApplicationShutdown(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await Promise.allSettled(this.working.values());
  }

  /** A placement was requested: look for work now rather than at the next poll. */
  notify(): void {
    this.wake?.();
  }

  private async run(): Promise<void> {
    while (this.running) {
      const free = this.config.concurrency - this.working.size;
      let claimed: PlacementRow[] = [];
      if (free > 0) {
        try {
          claimed = await this.store.claimDue(this.owner, free, this.config.leaseMs, [...this.working.keys()]);
        } catch (error) {
          if (this.running) this.logger.error(`could not claim placements: ${(error as Error).message}`);
        }
      }
      for (const placement of claimed) {
        this.working.set(
          placement.id,
          this.tracedAdvance(placement)
            .catch((error: Error) => this.logger.error(`placement ${placement.id} in ${placement.state}: ${error.message}; tried again after its lease`))
            .finally(() => {
              this.working.delete(placement.id);
              this.wake?.();
            }),
        );
      }
      // A full batch may mean more is due: look again at once, else wait for a wake-up or the poll.
      if (claimed.length > 0 && claimed.length === free) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, this.config.pollMs);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /**
   * A step in the trace of the request that placed it (the placement keeps its
   * traceparent): one span per step, with the placement's id, state and retries, never
   * the customer or the lines. Its calls to the services and its SQL are children.
   */
  private tracedAdvance(placement: PlacementRow): Promise<void> {
    const attributes = { 'tributary.placement.id': placement.id, 'tributary.placement.state': placement.state, 'tributary.placement.retries': placement.retries };
    return inSpanContinuing(placement.traceparent, `placement ${placement.state}`, attributes, () => this.advance(placement));
  }

  /** One step of the placement's current state. */
  private async advance(placement: PlacementRow): Promise<void> {
    switch (placement.state as PlacementState) {
      case PlacementState.REQUESTED:
        return this.checkCustomer(placement);
      case PlacementState.CUSTOMER_CHECKED:
        return this.reserveStock(placement);
      case PlacementState.STOCK_RESERVED:
        return this.commitStock(placement);
      case PlacementState.COMPENSATING:
        return this.compensate(placement);
      default:
        return;
    }
  }

  /** Prices from the catalog, then the customer's credit for the total: the order is written as PENDING at those prices. */
  private async checkCustomer(placement: PlacementRow): Promise<void> {
    const lines = placement.lines as unknown as QuantityLine[];
    const outcome = await this.calls.checkCustomer(placement.customerId, placement.currency as Currency, lines);
    this.crashIf('checkCustomer:answered');
    if (outcome.kind === 'done') {
      const totalCents = outcome.value.reduce((sum, line) => sum + line.quantity * line.unitPriceCents, 0);
      await this.moveTo(placement, PlacementState.CUSTOMER_CHECKED, { lines: outcome.value, totalCents, orderId: placement.id }, (tx) =>
        this.orders.insert(tx, { id: placement.id, customerId: placement.customerId, currency: placement.currency as Currency, status: OrderStatus.PENDING, lines: outcome.value }),
      );
      this.crashIf('CUSTOMER_CHECKED:recorded');
      return;
    }
    // Nothing was done yet: a refusal or the deadline ends the placement without compensating.
    if (outcome.kind === 'refused') return void (await this.moveTo(placement, endStateOf(outcome.reason), { reason: outcome.reason, reasonDetail: outcome.detail }));
    return this.retryOrGiveUp(placement, outcome.error, endStateOf(PlacementReason.DEADLINE_EXCEEDED));
  }

  private async reserveStock(placement: PlacementRow): Promise<void> {
    const outcome = await this.calls.reserveStock(placement.id, placement.lines as unknown as PricedLine[]);
    this.crashIf('reserveStock:answered');
    if (outcome.kind === 'done') {
      await this.moveTo(placement, PlacementState.STOCK_RESERVED);
      this.crashIf('STOCK_RESERVED:recorded');
      return;
    }
    return this.forwardFailed(placement, outcome);
  }

  /** The catalog commits the reservation, then the order is PLACED: the catalog's answer decides, so the two never disagree. */
  private async commitStock(placement: PlacementRow): Promise<void> {
    const outcome = await this.calls.commitStock(placement.id);
    this.crashIf('commitStock:answered');
    if (outcome.kind === 'done') return this.confirm(placement);
    return this.forwardFailed(placement, outcome);
  }

  /** Release the reservation (whether or not it was made), then cancel the order. */
  private async compensate(placement: PlacementRow): Promise<void> {
    const outcome = await this.calls.releaseStock(placement.id);
    this.crashIf('releaseStock:answered');
    if (outcome.kind === 'done' && outcome.value === 'committed') {
      // The commit went through though its answer was lost: the sale stands.
      this.logger.warn(`placement ${placement.id}: the catalog had committed its reservation; confirming instead of compensating`);
      return this.confirm(placement);
    }
    if (outcome.kind === 'done') {
      await this.moveTo(placement, endStateOf(placement.reason as PlacementReason | null), {}, (tx) => this.orders.change(tx, placement.id, { status: OrderStatus.CANCELLED }));
      return;
    }
    const error = outcome.kind === 'transient' ? outcome.error : outcome.detail;
    if (outcome.kind === 'refused') this.logger.error(`placement ${placement.id}: releasing its stock was refused (${error}); retrying`);
    await this.store.retryLater(placement.id, PlacementState.COMPENSATING, error, this.backoffMs(placement.retries));
  }

  private async confirm(placement: PlacementRow): Promise<void> {
    await this.moveTo(placement, PlacementState.CONFIRMED, { reason: null, reasonDetail: null }, (tx) => this.orders.change(tx, placement.id, { status: OrderStatus.PLACED }));
  }

  /** A forward step after the order exists: a refusal compensates at once, a transient failure retries until the deadline. */
  private async forwardFailed(placement: PlacementRow, outcome: Exclude<StepOutcome<unknown>, { kind: 'done' }>): Promise<void> {
    if (outcome.kind === 'refused') {
      await this.moveTo(placement, PlacementState.COMPENSATING, { reason: outcome.reason, reasonDetail: outcome.detail });
      this.crashIf('COMPENSATING:recorded');
      return;
    }
    return this.retryOrGiveUp(placement, outcome.error, PlacementState.COMPENSATING);
  }

  private async retryOrGiveUp(placement: PlacementRow, error: string, giveUpTo: PlacementState): Promise<void> {
    if (Date.now() < placement.deadline.getTime()) {
      await this.store.retryLater(placement.id, placement.state as PlacementState, error, this.backoffMs(placement.retries));
      return;
    }
    this.logger.warn(`placement ${placement.id}: past its deadline in ${placement.state} (${error}); ${giveUpTo === PlacementState.COMPENSATING ? 'compensating' : 'giving up'}`);
    await this.moveTo(placement, giveUpTo, { reason: PlacementReason.DEADLINE_EXCEEDED, reasonDetail: error });
    if (giveUpTo === PlacementState.COMPENSATING) this.crashIf('COMPENSATING:recorded');
  }

  private async moveTo(placement: PlacementRow, to: PlacementState, changes?: PlacementChanges, alongside?: Parameters<PlacementStore['transition']>[4]): Promise<void> {
    const moved = await this.store.transition(placement.id, placement.state as PlacementState, to, changes, alongside);
    if (moved) this.logger.log(`placement ${placement.id}: ${placement.state} → ${to}${moved.reason ? ` (${moved.reason})` : ''}`);
  }

  /** Exponential backoff with jitter: base × 2^retries, capped, then between half and all of it. */
  private backoffMs(retries: number): number {
    const ceiling = Math.min(this.config.retryMaxMs, this.config.retryBaseMs * 2 ** Math.min(retries, 30));
    return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
  }

  /** The crash tests' hook: a real kill -9 of this process at the chosen point. */
  private crashIf(point: PlacementCrashPoint): void {
    if (this.config.crashAt !== point) return;
    // Written synchronously: the logger's buffered line would die with the process.
    writeSync(2, `PLACEMENT_CRASH_AT=${point}: killing this process\n`);
    process.kill(process.pid, 'SIGKILL');
  }
}
