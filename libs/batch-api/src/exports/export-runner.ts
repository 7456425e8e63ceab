import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Logger } from '@nestjs/common';
import type { ExportedFile, ExportResponse } from '@tributary/contracts';
import { DomainException, inSpan } from '@tributary/core';
import type { RowReader } from '@tributary/database';
import { toProblemDetails } from '../problem-details.filter.js';
import type { ExportDataset, KeyPosition } from './export-datasets.js';
import { ByteTally, exportStorage, type ExportStorage } from './export-destinations.js';
import { ENCODER_OF, EXTENSION_OF, XLSX_MAX_ROWS, type ExportRow } from './export-formats.js';
import { planExport, type ExportPlan } from './export-plan.js';
import type { ExportConfig } from './export.config.js';
import type { ExportProgress, OperationStore, StoredOperation } from './operation-store.js';

/** The operation was cancelled, or moved on without this worker: stop writing. */
class ExportStopped extends Error {}

/** This process is shutting down: leave the operation RUNNING for the next worker to resume. */
export class ExportInterrupted extends Error {}

const pad = (index: number) => String(index).padStart(4, '0');
const monthOf = (time: Date) => time.toISOString().slice(0, 7);
const monthAfter = (time: Date) => new Date(Date.UTC(time.getUTCFullYear(), time.getUTCMonth() + 1, 1));

/**
 * Runs one export operation from wherever it stands. Parts are written one after the
 * other, each read in keyset order from the position after the previous one, and
 * committed to the operation (file, rows, checksum, position) once complete where it
 * lands: a worker killed at any point leaves at most one incomplete part behind, and
 * the next one writes that part again from the same position, into the same bytes.
 */
export class ExportRunner {
  private readonly logger = new Logger('Exports');
  private stopping = false;

  constructor(
    private readonly store: OperationStore,
    private readonly reader: RowReader,
    private readonly datasets: readonly ExportDataset[],
    private readonly config: ExportConfig,
  ) {}

  /** Running exports stop after their current page, left to be resumed. */
  interrupt(): void {
    this.stopping = true;
  }

  /** `lastTry`: a failure now is final (the queue will not try again), so the operation says FAILED. */
  async run(id: string, lastTry: boolean): Promise<void> {
    const operation = await this.store.start(id);
    if (!operation) return;
    let plan: ExportPlan | undefined;
    let storage: ExportStorage | undefined;
    const folder = `${operation.request.dataset}/${id}`;
    try {
      plan = planExport(operation.request, this.datasets, this.config.s3 !== null);
      // The destination was checked at creation; if it fails now, the writes say why, and the queue tries again.
      storage = exportStorage(this.config, plan.destination);
      if (operation.cancelRequested) throw new ExportStopped();
      // One trace per run of an export, its parts as children (the worker runs outside any request).
      await inSpan('export', { 'tributary.export.id': id, 'tributary.export.dataset': plan.dataset.name, 'tributary.export.format': plan.format }, () => this.export(operation, plan!, storage!, folder));
    } catch (error) {
      if (error instanceof ExportInterrupted) throw error;
      if (error instanceof ExportStopped) {
        await storage?.remove(folder);
        await this.store.cancelled(id);
        this.logger.log(`export ${id} cancelled; its files are removed`);
        return;
      }
      const final = lastTry || error instanceof DomainException;
      this.logger.warn(`export ${id} failed${final ? '' : ', to be tried again'}: ${(error as Error).message}`);
      if (!final) throw error;
      await storage?.remove(folder).catch(() => undefined);
      // What went wrong in the background is the whole story a client gets: say it.
      const problem = toProblemDetails(error);
      await this.store.fail(id, { ...problem, instance: `operations/${id}`, ...(error instanceof DomainException ? {} : { detail: `the export failed and its files are removed: ${(error as Error).message}` }) });
    }
  }

  private async export(operation: StoredOperation, plan: ExportPlan, storage: ExportStorage, folder: string): Promise<void> {
    const { query } = plan;
    if (operation.totalRows === null) {
      const count = query.count();
      const [[total]] = (await this.reader.rows(count.sql, count.params)) as [[unknown]];
      await this.store.setTotal(operation.id, Number(total));
    }
    const progress: ExportProgress = { files: [...operation.progress.files], position: operation.progress.position };
    let rowsWritten = progress.files.reduce((sum, file) => sum + file.rows, 0);
    if (progress.files.length) this.logger.log(`export ${operation.id} resumes after part ${progress.files.length} (${rowsWritten} rows)`);
    const partRows = plan.format === 'xlsx' ? Math.min(this.config.partRows, XLSX_MAX_ROWS) : this.config.partRows;
    const extension = `${EXTENSION_OF[plan.format]}${plan.gzip ? '.gz' : ''}`;

    for (;;) {
      let month: string | null = null;
      let until: Date | undefined;
      if (plan.partitionBy === 'month') {
        const next = query.nextTime(progress.position);
        const [row] = await this.reader.rows(next.sql, next.params);
        if (!row) break;
        const time = new Date(Number(row[0]));
        month = monthOf(time);
        until = monthAfter(time);
      }
      const first = await this.page(plan, progress.position, Math.min(this.config.pageRows, partRows), until);
      // An export of nothing still leaves one file, with the columns, for readers to open.
      if (first.length === 0 && (progress.files.length > 0 || plan.partitionBy === 'month')) break;
      const index = progress.files.filter((file) => file.month === month).length + 1;
      const path = `${folder}/${month ? `month=${month}/` : ''}part-${pad(index)}.${extension}`;
      const written = { rows: 0, position: progress.position };
      const pages = this.pages(plan, first, written, partRows, until, async (rows) => {
        const { stop } = await this.store.reportRows(operation.id, rowsWritten + rows);
        if (stop) throw new ExportStopped();
        if (this.stopping) throw new ExportInterrupted();
      });
      const { stop } = await inSpan('export part', { 'tributary.export.id': operation.id, 'tributary.export.part': progress.files.length + 1, 'tributary.export.format': plan.format }, async (span) => {
        const file = await this.writeFile(plan, storage, path, month, pages, operation.createdAt);
        rowsWritten += written.rows;
        progress.files.push(file);
        progress.position = written.position;
        span?.setAttributes({ 'tributary.export.rows': written.rows, 'tributary.export.bytes': file.bytes });
        return this.store.commitPart(operation.id, progress, rowsWritten);
      });
      if (stop) throw new ExportStopped();
      if (first.length === 0 || (written.rows < partRows && plan.partitionBy === 'none')) break;
    }

    const response: ExportResponse = {
      dataset: plan.dataset.name,
      format: plan.format,
      columns: plan.columns,
      rows: rowsWritten,
      files: progress.files,
      manifest: storage.location(`${folder}/_manifest.json`),
    };
    const manifest = await this.writeFile(plan, storage, `${folder}/_manifest.json`, null, null, operation.createdAt, `${JSON.stringify(response, null, 2)}\n`);
    this.logger.log(`export ${operation.id} wrote ${rowsWritten} rows in ${progress.files.length} files (manifest ${manifest.bytes} bytes)`);
    await this.store.succeed(operation.id, response);
  }

  /** The pages of one part: `first`, then more until the part is full or the rows (or the month) end. */
  private async *pages(
    plan: ExportPlan,
    first: ExportRow[],
    written: { rows: number; position: KeyPosition | null },
    partRows: number,
    until: Date | undefined,
    afterPage: (rowsInPart: number) => Promise<void>,
  ): AsyncGenerator<ExportRow[]> {
    let page = first;
    let asked = Math.min(this.config.pageRows, partRows);
    while (page.length > 0) {
      written.rows += page.length;
      written.position = plan.query.positionOf(page.at(-1)!);
      // A short page is the last one; a full part ends here too. Otherwise the next page is
      // read while this one is encoded: the database and the encoder work at the same time.
      const more = page.length === asked && written.rows < partRows;
      asked = more ? Math.min(this.config.pageRows, partRows - written.rows) : 0;
      const next = more ? this.page(plan, written.position, asked, until) : Promise.resolve([]);
      next.catch(() => undefined);
      yield page;
      await afterPage(written.rows);
      page = await next;
    }
  }

  private async page(plan: ExportPlan, position: KeyPosition | null, limit: number, until: Date | undefined): Promise<ExportRow[]> {
    const { sql, params } = plan.query.page(position, limit, until);
    return this.reader.rows(sql, params);
  }

  /** One file, through the format's encoder (or as the given text), gzip if asked, counted and hashed on its way. */
  private async writeFile(
    plan: ExportPlan,
    storage: ExportStorage,
    path: string,
    month: string | null,
    pages: AsyncIterable<ExportRow[]> | null,
    createdAt: Date,
    text?: string,
  ): Promise<ExportedFile> {
    const upload = storage.open(path);
    const tally = new ByteTally();
    const gzip = plan.gzip && pages ? createGzip() : null;
    const head = gzip ?? tally;
    const flowing = pipeline(gzip ? [gzip, tally, upload.stream] : [tally, upload.stream]);
    let rows = 0;
    try {
      if (pages) {
        const counted = (async function* () {
          for await (const page of pages) {
            rows += page.length;
            yield page;
          }
        })();
        await ENCODER_OF[plan.format](plan.columns, counted, head, createdAt);
      } else {
        head.write(text);
      }
      head.end();
      await flowing;
      await upload.done;
    } catch (error) {
      head.destroy();
      await flowing.catch(() => undefined);
      await upload.abort();
      throw error;
    }
    return { path, location: storage.location(path), month, rows, bytes: tally.bytes, sha256: tally.digest() };
  }
}
