import type { PumpCheckpoint, ReportingTable } from '@tributary/contracts';
import { inSpan } from '@tributary/core';
import { readWriteHorizon } from '@tributary/database';
import type { PumpSource } from './pump-source.js';
import type { ReportingStoreClient, ReportingStoreTarget } from './reporting-store.client.js';

export interface PumpRunOptions {
  /** Rows per delivered batch. */
  pageSize: number;
  /** Deliver everything again from the first transaction (a one-shot full reload). */
  full?: boolean;
  /** Called after every batch: for progress bars and logs. */
  onBatch?: (progress: PumpProgress) => void;
  /** Test hook: called after each delivered batch; a test kills the process from here. */
  afterBatch?: (batchNumber: number) => void | Promise<void>;
}

export interface PumpProgress {
  table: ReportingTable;
  batches: number;
  rowsRead: number;
  rowsApplied: number;
}

export interface PumpRunResult extends PumpProgress {
  horizon: string;
  watermark: string;
  seconds: number;
}

/** The first transaction id of every database: 0 is below all of them. */
const START_OF_HISTORY = '0';

/**
 * A new run delivers every transaction below the source's id horizon: each of them has
 * ended, so none can add rows behind the pump later. Its watermark is the instant
 * below which every write is among them (see WriteHorizon).
 */
async function startRun(source: PumpSource) {
  const horizon = await readWriteHorizon(source.database);
  return { target: horizon.xidHorizon, watermark: horizon.committedBefore.toISOString(), afterXid: undefined, afterId: undefined };
}

/**
 * One run of a table's pump: reads the source from its checkpoint up to the horizon
 * taken when the run starts, in pages, and delivers each page with the checkpoint it
 * reaches. The store applies rows and checkpoint in one transaction, so a pump killed
 * anywhere resumes from the last page it delivered (or the one before, applied again
 * without effect).
 */
export async function runPumpOnce<T extends ReportingTable>(source: PumpSource<T>, store: ReportingStoreTarget, options: PumpRunOptions): Promise<PumpRunResult> {
  const started = performance.now();
  const saved: PumpCheckpoint = options.full
    ? { table: source.table, horizon: START_OF_HISTORY, watermark: null, rowsPumped: 0 }
    : await store.checkpoint(source.table);
  // An unfinished run is resumed to its own target, after the last key it delivered.
  const run = (!options.full && saved.run) || (await startRun(source));
  let after = run.afterXid !== undefined && run.afterId !== undefined ? { xid: run.afterXid, id: run.afterId } : undefined;
  const progress: PumpProgress = { table: source.table, batches: 0, rowsRead: 0, rowsApplied: 0 };
  for (;;) {
    const reading = performance.now();
    const page = await source.readPage({ from: saved.horizon, to: run.target, after }, options.pageSize);
    const readMs = Math.round(performance.now() - reading);
    const last = page.at(-1);
    const finished = page.length < options.pageSize;
    const checkpoint: PumpCheckpoint = finished
      ? { table: source.table, horizon: run.target, watermark: run.watermark, rowsPumped: 0 }
      : { ...saved, run: { target: run.target, watermark: run.watermark, afterXid: last!.xid, afterId: last!.row.id } };
    const deliver = () =>
      store.ingest(source.table, {
        rows: page.map((pumped) => pumped.row),
        checkpoint: { horizon: checkpoint.horizon, run: checkpoint.run, watermark: checkpoint.watermark },
      });
    // A span per batch that carries rows (the store's ingest is its child); a scheduled run that finds nothing new, every second with the relay off, makes no trace.
    const attributes = { 'tributary.pump.table': source.table, 'tributary.pump.batch': progress.batches + 1, 'tributary.pump.rows_read': page.length, 'tributary.pump.read_ms': readMs };
    const result = page.length > 0 ? await inSpan('pump batch', attributes, async (span) => {
      const delivered = await deliver();
      span?.setAttribute('tributary.pump.rows_applied', delivered.applied);
      return delivered;
    }) : await deliver();
    progress.batches++;
    progress.rowsRead += page.length;
    progress.rowsApplied += result.applied;
    options.onBatch?.({ ...progress });
    await options.afterBatch?.(progress.batches);
    if (finished) break;
    after = { xid: last!.xid, id: last!.row.id };
  }
  return { ...progress, horizon: run.target, watermark: run.watermark, seconds: (performance.now() - started) / 1000 };
}

/** Above every transaction id: a backup load reads every row the backup holds. */
const END_OF_HISTORY = '18446744073709551615';

export interface BackupLoadResult {
  table: ReportingTable;
  rows: number;
  seconds: number;
}

/**
 * The backup pump: every row of a source restored from a backup, mapped as the batch
 * pump maps it, into a reload of its table that replaces the table's rows at once when
 * complete. The checkpoint becomes the backup's horizon, so the live batch pump then
 * delivers only what changed since the backup. A failure abandons the reload: the
 * table stays as it was.
 */
export async function loadFromBackup<T extends ReportingTable>(
  source: PumpSource<T>,
  store: ReportingStoreClient,
  backup: { xidHorizon: string; committedBefore: string },
  options: { pageSize: number; onBatch?: (progress: { table: T; rowsRead: number }) => void },
): Promise<BackupLoadResult> {
  const started = performance.now();
  const reload = await store.beginReload(source.table);
  try {
    let after: { xid: string; id: string } | undefined;
    let rowsRead = 0;
    for (;;) {
      const page = await source.readPage({ from: START_OF_HISTORY, to: END_OF_HISTORY, after }, options.pageSize);
      if (page.length) await store.ingestReload(source.table, reload, page.map((pumped) => pumped.row));
      rowsRead += page.length;
      options.onBatch?.({ table: source.table, rowsRead });
      if (page.length < options.pageSize) break;
      const last = page.at(-1)!;
      after = { xid: last.xid, id: last.row.id };
    }
    const rows = await store.commitReload(source.table, reload, { horizon: backup.xidHorizon, watermark: backup.committedBefore });
    return { table: source.table, rows, seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    await store.abortReload(source.table, reload).catch(() => undefined);
    throw error;
  }
}
