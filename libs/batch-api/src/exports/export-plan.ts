import type { ExportColumn, ExportDestination, ExportFormat, ExportPartitioning, ExportRequest, FieldViolation } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { periodOrThrow } from '../period.util.js';
import { ExportQuery, filterConditions, type ExportDataset } from './export-datasets.js';

/** A request checked against the app's datasets: everything a worker needs to run it. */
export interface ExportPlan {
  dataset: ExportDataset;
  columns: ExportColumn[];
  query: ExportQuery;
  format: ExportFormat;
  gzip: boolean;
  partitionBy: ExportPartitioning;
  destination: ExportDestination;
}

/**
 * Everything that can be known wrong about an export before it runs, each named by its
 * field: the request is refused at creation rather than failing in the background.
 */
export function planExport(request: ExportRequest, datasets: readonly ExportDataset[], s3Configured: boolean): ExportPlan {
  const dataset = datasets.find((candidate) => candidate.name === request.dataset);
  if (!dataset) throw DomainException.invalidField('dataset', `unknown dataset ${JSON.stringify(request.dataset)}; this app exports ${datasets.map((d) => d.name).join(', ')}`);

  const violations: FieldViolation[] = [];
  const columns: ExportColumn[] = [];
  for (const [index, name] of (request.columns ?? dataset.columns.map((c) => c.name)).entries()) {
    const column = dataset.columns.find((candidate) => candidate.name === name);
    if (!column) violations.push({ field: `columns[${index}]`, message: `${dataset.name} has no column ${JSON.stringify(name)}; its columns are ${dataset.columns.map((c) => c.name).join(', ')}` });
    else if (columns.includes(column)) violations.push({ field: `columns[${index}]`, message: `column ${name} is asked for twice` });
    else columns.push(column);
  }
  const filters = request.filters ?? {};
  for (const name of ['from', 'to'] as const) {
    if (filters[name] !== undefined && !dataset.timeColumn) violations.push({ field: `filters.${name}`, message: `${dataset.name} has no time column to filter a period on` });
  }
  for (const name of ['status', 'country', 'category'] as const) {
    if (filters[name] !== undefined && !dataset.filters[name]) {
      const offered = Object.keys(dataset.filters);
      violations.push({ field: `filters.${name}`, message: `${dataset.name} cannot be filtered by ${name}${offered.length ? `; it can by ${offered.join(', ')}` : ''}` });
    }
  }
  const partitionBy = request.partitionBy ?? 'none';
  if (partitionBy === 'month' && !dataset.timeColumn) violations.push({ field: 'partitionBy', message: `${dataset.name} has no time column to partition by month` });
  else if (partitionBy === 'month' && dataset.key[0] !== dataset.timeColumn) {
    violations.push({ field: 'partitionBy', message: `${dataset.name} is exported in the order of ${dataset.key.join(', ')}, not by ${dataset.timeColumn}: it cannot be partitioned by month here` });
  }
  if (request.gzip && (request.format === 'parquet' || request.format === 'xlsx')) violations.push({ field: 'gzip', message: `${request.format} files are compressed already; gzip applies to ndjson and csv` });
  const destination = request.destination ?? { kind: 'local' as const };
  if (destination.kind === 's3' && !s3Configured) violations.push({ field: 'destination.kind', message: 'this app has no object storage configured (EXPORT_S3_BUCKET); use local' });
  if (violations.length) throw DomainException.invalidArgument(violations);

  const period = periodOrThrow(filters.from, filters.to, { from: 'filters.from', to: 'filters.to' });
  const conditions = filterConditions(dataset, { from: period.gte, to: period.lt, status: filters.status, country: filters.country, category: filters.category });
  return { dataset, columns, query: new ExportQuery(dataset, columns, conditions, request.format === 'csv' || request.format === 'ndjson' ? 'iso' : 'epochMillis'), format: request.format, gzip: request.gzip ?? false, partitionBy, destination };
}
