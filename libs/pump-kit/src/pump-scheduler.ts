import { Logger } from '@nestjs/common';
import type { ReportingTable } from '@tributary/contracts';
import type { PumpConfig } from './pump.config.js';
import { runPumpOnce, type PumpRunOptions, type PumpRunResult } from './pump-runner.js';
import type { PumpSource } from './pump-source.js';
import { ReportingStoreClient, type ReportingStoreTarget } from './reporting-store.client.js';

type RunOptions = Pick<PumpRunOptions, 'full' | 'onBatch'> & { pageSize?: number };

/** A run that could not deliver is tried again after at most this long. */
const RETRY_MS = 1000;

/** What a service's pumps have done since it started: for logs, /metrics and tests. */
export interface PumpStatus {
  table: ReportingTable;
  runs: number;
  rowsDelivered: number;
  errors: number;
  lastError?: string;
  lastRun?: PumpRunResult;
}

/**
 * Runs a service's pumps one after the other, again and again: at once while a run
 * delivered rows, after `intervalMs` when all were idle. A store that is down is a
 * warning and a retry, never a crash of the service.
 */
export class PumpScheduler {
  private readonly logger = new Logger('Pump');
  private readonly store: ReportingStoreTarget;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private stopped = true;
  readonly status: Map<ReportingTable, PumpStatus>;

  constructor(
    private readonly sources: readonly PumpSource[],
    private readonly config: PumpConfig,
    store?: ReportingStoreTarget,
  ) {
    this.store = store ?? new ReportingStoreClient(config.reportingUrl);
    this.status = new Map(sources.map((source) => [source.table, { table: source.table, runs: 0, rowsDelivered: 0, errors: 0 }]));
  }

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  /** Every source once, now: what `npm run pump` and tests call. */
  async runAll(options: RunOptions = {}): Promise<PumpRunResult[]> {
    const results: PumpRunResult[] = [];
    for (const source of this.sources) results.push(await this.runOne(source, options));
    return results;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.cycle().then((outcome) => this.schedule(outcome === 'busy' ? 0 : outcome === 'failed' ? Math.min(this.config.intervalMs, RETRY_MS) : this.config.intervalMs));
    }, delayMs);
    this.timer.unref();
  }

  /**
   * Every source once; one source failing does not hold the others back. Busy when rows
   * were read; failed when a run could not deliver (the store is not up yet, say), which
   * is tried again within a second, whatever the interval.
   */
  private async cycle(): Promise<'busy' | 'idle' | 'failed'> {
    let outcome: 'busy' | 'idle' | 'failed' = 'idle';
    for (const source of this.sources) {
      if (this.stopped) break;
      const result = await this.runOne(source, {}).catch(() => undefined);
      if (!result) outcome = 'failed';
      else if (result.rowsRead > 0 && outcome === 'idle') outcome = 'busy';
    }
    return outcome;
  }

  private async runOne(source: PumpSource, { full = false, pageSize = this.config.pageSize, onBatch }: RunOptions): Promise<PumpRunResult> {
    const status = this.status.get(source.table)!;
    try {
      const result = await runPumpOnce(source, this.store, {
        pageSize,
        full,
        // A large load says how far it is; the steady trickle stays quiet.
        onBatch: onBatch ?? ((p) => p.batches % 10 === 0 && this.logger.log(`${source.table}: ${p.rowsRead} rows read, ${p.rowsApplied} applied`)),
      });
      if (status.lastError) this.logger.log(`${source.table}: delivering again`);
      status.runs++;
      status.rowsDelivered += result.rowsApplied;
      status.lastRun = result;
      status.lastError = undefined;
      if (result.rowsApplied > 0) this.logger.log(`${source.table}: ${result.rowsApplied} rows delivered in ${result.seconds.toFixed(2)} s`);
      return result;
    } catch (error) {
      status.errors++;
      const message = error instanceof Error ? error.message : String(error);
      if (status.lastError !== message) this.logger.warn(`${source.table}: ${message}; retrying`);
      status.lastError = message;
      throw error;
    }
  }
}
