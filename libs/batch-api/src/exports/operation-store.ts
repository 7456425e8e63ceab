import { randomUUID } from 'node:crypto';
import type { ExportedFile, ExportOperation, ExportRequest, ExportResponse, OperationState, ProblemDocument } from '@tributary/contracts';
import type { KeyPosition } from './export-datasets.js';

/** What the operations table needs of the app's database. */
export interface OperationsDatabase {
  $queryRawUnsafe<R = unknown>(query: string, ...values: unknown[]): Promise<R>;
  $executeRawUnsafe(query: string, ...values: unknown[]): Promise<number>;
}

/** Where a running export is: the parts committed, and the key after the last row of the last of them. */
export interface ExportProgress {
  files: ExportedFile[];
  position: KeyPosition | null;
}

interface OperationRow {
  id: string;
  state: OperationState;
  request: ExportRequest;
  progress: ExportProgress;
  rows_written: bigint | number;
  total_rows: bigint | number | null;
  cancel_requested: boolean;
  response: ExportResponse | null;
  error: ProblemDocument | null;
  created_at: Date;
  started_at: Date | null;
  updated_at: Date;
}

export interface StoredOperation {
  id: string;
  state: OperationState;
  request: ExportRequest;
  progress: ExportProgress;
  rowsWritten: number;
  totalRows: number | null;
  cancelRequested: boolean;
  createdAt: Date;
}

const EMPTY_PROGRESS: ExportProgress = { files: [], position: null };
const COLUMNS = 'id, state, request, progress, rows_written, total_rows, cancel_requested, response, error, created_at, started_at, updated_at';

/**
 * The operations of one app, in its own database. Every change is one statement that
 * names the state it expects, so a late worker (its export given to another after it
 * went silent) changes nothing once the operation has moved on.
 */
export class OperationStore {
  constructor(
    private readonly db: OperationsDatabase,
    private readonly table: string,
  ) {}

  async create(request: ExportRequest): Promise<ExportOperation> {
    const [row] = await this.db.$queryRawUnsafe<OperationRow[]>(
      `INSERT INTO ${this.table} (id, kind, state, request, progress) VALUES ($1::uuid, 'export', 'QUEUED', $2::jsonb, $3::jsonb) RETURNING ${COLUMNS}`,
      randomUUID(),
      JSON.stringify(request),
      JSON.stringify(EMPTY_PROGRESS),
    );
    return toOperation(row!);
  }

  async get(id: string): Promise<ExportOperation | undefined> {
    const [row] = await this.db.$queryRawUnsafe<OperationRow[]>(`SELECT ${COLUMNS} FROM ${this.table} WHERE id = $1::uuid`, id);
    return row && toOperation(row);
  }

  /** Newest first, after the (createdAt, id) of the last one of the previous page. */
  async list(limit: number, state: OperationState | undefined, after: { createdAt: Date; id: string } | undefined): Promise<ExportOperation[]> {
    const params: unknown[] = [limit];
    const conditions: string[] = [];
    if (state) conditions.push(`state = $${params.push(state)}`);
    if (after) conditions.push(`(created_at, id) < ($${params.push(after.createdAt)}, $${params.push(after.id)}::uuid)`);
    const rows = await this.db.$queryRawUnsafe<OperationRow[]>(
      `SELECT ${COLUMNS} FROM ${this.table}${conditions.length ? ` WHERE ${conditions.join(' AND ')}` : ''} ORDER BY created_at DESC, id DESC LIMIT $1`,
      ...params,
    );
    return rows.map(toOperation);
  }

  /** The operation as a worker takes it up: QUEUED or RUNNING (resumed) becomes RUNNING; undefined when it is final. */
  async start(id: string): Promise<StoredOperation | undefined> {
    const [row] = await this.db.$queryRawUnsafe<OperationRow[]>(
      `UPDATE ${this.table} SET state = 'RUNNING', started_at = COALESCE(started_at, clock_timestamp()), updated_at = clock_timestamp()
       WHERE id = $1::uuid AND state IN ('QUEUED', 'RUNNING') RETURNING ${COLUMNS}`,
      id,
    );
    return row && toStored(row);
  }

  async setTotal(id: string, totalRows: number): Promise<void> {
    await this.db.$executeRawUnsafe(`UPDATE ${this.table} SET total_rows = $2, updated_at = clock_timestamp() WHERE id = $1::uuid AND state = 'RUNNING'`, id, totalRows);
  }

  /** Rows written so far in the part under way; answers whether a cancel was asked for (or the operation moved on). */
  async reportRows(id: string, rowsWritten: number): Promise<{ stop: boolean }> {
    const [row] = await this.db.$queryRawUnsafe<Array<{ cancel_requested: boolean }>>(
      `UPDATE ${this.table} SET rows_written = $2, updated_at = clock_timestamp() WHERE id = $1::uuid AND state = 'RUNNING' RETURNING cancel_requested`,
      id,
      rowsWritten,
    );
    return { stop: !row || row.cancel_requested };
  }

  /** A part is complete where it landed: from here a resumed export starts after it. */
  async commitPart(id: string, progress: ExportProgress, rowsWritten: number): Promise<{ stop: boolean }> {
    const [row] = await this.db.$queryRawUnsafe<Array<{ cancel_requested: boolean }>>(
      `UPDATE ${this.table} SET progress = $2::jsonb, rows_written = $3, updated_at = clock_timestamp() WHERE id = $1::uuid AND state = 'RUNNING' RETURNING cancel_requested`,
      id,
      JSON.stringify(progress),
      rowsWritten,
    );
    return { stop: !row || row.cancel_requested };
  }

  async succeed(id: string, response: ExportResponse): Promise<void> {
    await this.db.$executeRawUnsafe(
      `UPDATE ${this.table} SET state = 'SUCCEEDED', response = $2::jsonb, rows_written = $3, updated_at = clock_timestamp() WHERE id = $1::uuid AND state = 'RUNNING'`,
      id,
      JSON.stringify(response),
      response.rows,
    );
  }

  async fail(id: string, error: ProblemDocument): Promise<void> {
    await this.db.$executeRawUnsafe(
      `UPDATE ${this.table} SET state = 'FAILED', error = $2::jsonb, progress = $3::jsonb, updated_at = clock_timestamp() WHERE id = $1::uuid AND state IN ('QUEUED', 'RUNNING')`,
      id,
      JSON.stringify(error),
      JSON.stringify(EMPTY_PROGRESS),
    );
  }

  /** A queued operation is cancelled at once; a running one when its worker next looks (after its current page). */
  async requestCancel(id: string): Promise<ExportOperation | undefined> {
    const [row] = await this.db.$queryRawUnsafe<OperationRow[]>(
      `UPDATE ${this.table} SET cancel_requested = true, state = CASE WHEN state = 'QUEUED' THEN 'CANCELLED' ELSE state END, updated_at = clock_timestamp()
       WHERE id = $1::uuid AND state IN ('QUEUED', 'RUNNING') RETURNING ${COLUMNS}`,
      id,
    );
    return row ? toOperation(row) : this.get(id);
  }

  /** The worker has removed what it wrote. */
  async cancelled(id: string): Promise<void> {
    await this.db.$executeRawUnsafe(
      `UPDATE ${this.table} SET state = 'CANCELLED', progress = $2::jsonb, updated_at = clock_timestamp() WHERE id = $1::uuid AND state = 'RUNNING'`,
      id,
      JSON.stringify(EMPTY_PROGRESS),
    );
  }

  /** Only a finished operation goes: a running one would come back as its worker reports. */
  async delete(id: string): Promise<'deleted' | 'running' | 'absent'> {
    const deleted = await this.db.$executeRawUnsafe(`DELETE FROM ${this.table} WHERE id = $1::uuid AND state IN ('SUCCEEDED', 'FAILED', 'CANCELLED')`, id);
    if (deleted) return 'deleted';
    return (await this.get(id)) ? 'running' : 'absent';
  }

  /** Operations not final: after a restart, the queue is started so that their jobs run. */
  async unfinished(): Promise<number> {
    const [row] = await this.db.$queryRawUnsafe<Array<{ count: bigint | number }>>(`SELECT count(*) AS count FROM ${this.table} WHERE state IN ('QUEUED', 'RUNNING')`);
    return Number(row!.count);
  }
}

function toStored(row: OperationRow): StoredOperation {
  return {
    id: row.id,
    state: row.state,
    request: row.request,
    progress: row.progress,
    rowsWritten: Number(row.rows_written),
    totalRows: row.total_rows === null ? null : Number(row.total_rows),
    cancelRequested: row.cancel_requested,
    createdAt: row.created_at,
  };
}

function toOperation(row: OperationRow): ExportOperation {
  const rowsWritten = Number(row.rows_written);
  const totalRows = row.total_rows === null ? null : Number(row.total_rows);
  const done = row.state === 'SUCCEEDED' || row.state === 'FAILED' || row.state === 'CANCELLED';
  const percent = row.state === 'SUCCEEDED' ? 100 : totalRows ? Math.min(99, Math.floor((rowsWritten * 100) / totalRows)) : 0;
  return {
    name: `operations/${row.id}`,
    done,
    metadata: {
      state: row.state,
      dataset: row.request.dataset,
      format: row.request.format,
      rowsWritten,
      totalRows,
      percent,
      parts: row.state === 'SUCCEEDED' ? (row.response?.files.length ?? 0) : row.progress.files.length,
      cancelRequested: row.cancel_requested,
      createdAt: row.created_at.toISOString(),
      startedAt: row.started_at?.toISOString() ?? null,
      updatedAt: row.updated_at.toISOString(),
    },
    request: row.request,
    ...(row.response ? { response: row.response } : {}),
    ...(row.error ? { error: row.error } : {}),
  };
}
