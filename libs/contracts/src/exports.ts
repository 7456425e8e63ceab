import type { Instant } from './common.js';
import type { ProblemDocument } from './problem.js';

/**
 * Exports: a large extraction as a resource (AIP-151). `POST /v1/exports` (reporting)
 * or `POST /v1/{resources}:export` (a service) answers 202 with an Operation; the
 * operation runs in the background, reports progress, can be cancelled, and leaves
 * files laid out as a data mart: `<dataset>/<operation>/[month=YYYY-MM/]part-NNNN.<ext>`
 * with `_manifest.json` beside them.
 */
export const EXPORT_FORMATS = ['ndjson', 'csv', 'parquet', 'xlsx'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Values of one list filter, and columns of one export, at most. */
export const MAX_FILTER_VALUES = 100;
export const MAX_EXPORT_COLUMNS = 64;

export const EXPORT_PARTITIONINGS = ['none', 'month'] as const;
export type ExportPartitioning = (typeof EXPORT_PARTITIONINGS)[number];

/** The types a dataset's columns carry into every format: cents stay integers, instants stay timestamps. */
export type ExportColumnType = 'string' | 'integer' | 'timestamp';

export interface ExportColumn {
  name: string;
  type: ExportColumnType;
}

/** A customer and a product as every export writes them, from the reporting store or from their service. */
export const CUSTOMER_EXPORT_COLUMNS: readonly ExportColumn[] = [
  { name: 'id', type: 'string' },
  { name: 'name', type: 'string' },
  { name: 'email', type: 'string' },
  { name: 'country', type: 'string' },
  { name: 'created_at', type: 'timestamp' },
  { name: 'updated_at', type: 'timestamp' },
];
export const PRODUCT_EXPORT_COLUMNS: readonly ExportColumn[] = [
  { name: 'id', type: 'string' },
  { name: 'sku', type: 'string' },
  { name: 'title', type: 'string' },
  { name: 'category', type: 'string' },
  { name: 'price_cents', type: 'integer' },
  { name: 'currency', type: 'string' },
  { name: 'updated_at', type: 'timestamp' },
];

export interface ExportFilters {
  /** The period, on the dataset's time column: from ≤ t < to. */
  from?: Instant;
  to?: Instant;
  status?: string[];
  country?: string[];
  category?: string[];
}
export type ExportFilterName = keyof ExportFilters;

/** Where the files go: a directory of the app's host (the default), or S3-compatible object storage configured on the app. */
export type ExportDestination = { kind: 'local' } | { kind: 's3'; prefix?: string };

export interface ExportRequest {
  dataset: string;
  filters?: ExportFilters;
  /** A subset of the dataset's columns, in the order wanted; all of them when absent. */
  columns?: string[];
  format: ExportFormat;
  /** gzip the files (NDJSON and CSV only). */
  gzip?: boolean;
  destination?: ExportDestination;
  partitionBy?: ExportPartitioning;
}

export type OperationState = 'QUEUED' | 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';
export const OPERATION_STATES: readonly OperationState[] = ['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'];
export const FINAL_OPERATION_STATES: readonly OperationState[] = ['SUCCEEDED', 'FAILED', 'CANCELLED'];

export interface ExportMetadata {
  state: OperationState;
  dataset: string;
  format: ExportFormat;
  rowsWritten: number;
  /** An estimate made when the export started (the planner's count of the rows the filters select); null until then. */
  totalRows: number | null;
  /** rowsWritten against totalRows, 0 to 100; 100 once done. */
  percent: number;
  /** Parts written so far. */
  parts: number;
  cancelRequested: boolean;
  createdAt: Instant;
  startedAt: Instant | null;
  updatedAt: Instant;
}

/** Where an app serves the files of its local exports: `GET /v1/exports/files/<path>`, the `location` it gives them. */
export const EXPORT_FILES_ROUTE = '/v1/exports/files';

export interface ExportedFile {
  /** Path of the file under the destination: `<dataset>/<operation>/[month=YYYY-MM/]part-NNNN.<ext>`. */
  path: string;
  /** Where to fetch it: the app's download link for a local destination, `s3://bucket/key` for S3. */
  location: string;
  month: string | null;
  rows: number;
  bytes: number;
  sha256: string;
}

export interface ExportResponse {
  dataset: string;
  format: ExportFormat;
  columns: ExportColumn[];
  rows: number;
  files: ExportedFile[];
  /** The manifest, beside the files: this response as JSON. */
  manifest: string;
}

/** AIP-151's long-running operation, for an export. */
export interface ExportOperation {
  /** `operations/<id>` */
  name: string;
  done: boolean;
  metadata: ExportMetadata;
  request: ExportRequest;
  response?: ExportResponse;
  error?: ProblemDocument;
}

/** The id of an operation, from its name `operations/<id>`. */
export function operationIdOf(operation: Pick<ExportOperation, 'name'>): string {
  return operation.name.slice('operations/'.length);
}

export interface ExportOperationPage {
  operations: ExportOperation[];
  nextPageToken?: string;
}
