import type { ExportColumn, ExportFilterName } from '@tributary/contracts';

/**
 * What an app can export: a relation (a reporting_v1 view, a service's table) with the
 * types of its columns, and how it is read in pages that a restarted worker resumes.
 *
 * `key` orders the export and is unique; its first column should lead an index (the
 * position filter repeats it as `first >= $` so the scan starts there, whatever the view
 * joins). A dataset with a time column leads its key with it: month partitions are then
 * ranges of the key.
 */
export interface ExportDataset {
  name: string;
  description: string;
  relation: string;
  columns: readonly ExportColumn[];
  key: readonly string[];
  /** The column that periods filter and months partition; none: neither applies. */
  timeColumn?: string;
  /** The column each list filter applies to. */
  filters: Partial<Record<Exclude<ExportFilterName, 'from' | 'to'>, string>>;
}

/** A key's values after the last row written, as the database's text. */
export type KeyPosition = readonly unknown[];

/**
 * How instants leave the database: ISO 8601 text for the text formats (written as is),
 * epoch milliseconds for the typed ones. Either way no driver parses a timestamp.
 */
export type InstantForm = 'iso' | 'epochMillis';

const quote = (name: string) => `"${name}"`;
const INSTANT_SQL: Record<InstantForm, (column: string) => string> = {
  iso: (column) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`,
  epochMillis: (column) => `(extract(epoch FROM ${column}) * 1000)::int8`,
};

/**
 * The SQL of an export's reads, for one dataset, its chosen columns and filters: where a
 * part starts, and each page of it. Values travel as parameters; names come from the
 * dataset definition only.
 */
export class ExportQuery {
  private readonly selectList: string;

  constructor(
    readonly dataset: ExportDataset,
    readonly columns: readonly ExportColumn[],
    private readonly conditions: { sql: string[]; params: unknown[] },
    instants: InstantForm,
  ) {
    // The chosen columns, then the key as text: where the next page starts, in the key's own type.
    this.selectList = [
      ...columns.map((column) => (column.type === 'timestamp' ? INSTANT_SQL[instants](quote(column.name)) : quote(column.name))),
      ...dataset.key.map((key, index) => `${quote(key)}::text AS "key_${index}"`),
    ].join(', ');
  }

  /** The key after a row: its trailing values. */
  positionOf(row: readonly unknown[]): KeyPosition {
    return row.slice(this.columns.length);
  }

  /** `SELECT count(*)` of what the filters select: the total the progress is measured against. */
  count(): { sql: string; params: unknown[] } {
    return { sql: `SELECT count(*) FROM ${this.dataset.relation}${this.where([])}`, params: this.conditions.params };
  }

  /** The time of the first row after `position`, in epoch milliseconds: the month the next part belongs to. */
  nextTime(position: KeyPosition | null): { sql: string; params: unknown[] } {
    const extra = this.after(position, this.conditions.params.length);
    return {
      sql: `SELECT ${INSTANT_SQL.epochMillis(quote(this.dataset.timeColumn!))} FROM ${this.dataset.relation}${this.where(extra.sql)} ORDER BY ${this.orderBy()} LIMIT 1`,
      params: [...this.conditions.params, ...extra.params],
    };
  }

  /** Up to `limit` rows after `position`, before `until` on the time column when given. */
  page(position: KeyPosition | null, limit: number, until?: Date): { sql: string; params: unknown[] } {
    const extra = this.after(position, this.conditions.params.length);
    const sql = [...extra.sql];
    const params = [...this.conditions.params, ...extra.params];
    if (until) {
      params.push(until);
      sql.push(`${quote(this.dataset.timeColumn!)} < $${params.length}`);
    }
    params.push(limit);
    return {
      sql: `SELECT ${this.selectList} FROM ${this.dataset.relation}${this.where(sql)} ORDER BY ${this.orderBy()} LIMIT $${params.length}`,
      params,
    };
  }

  private orderBy(): string {
    return this.dataset.key.map(quote).join(', ');
  }

  private where(extra: string[]): string {
    const all = [...this.conditions.sql, ...extra];
    return all.length ? ` WHERE ${all.join(' AND ')}` : '';
  }

  /** `first >= $a AND (k1, k2, …) > ($a, $b, …)`: the first conjunct is what an index scan starts from. */
  private after(position: KeyPosition | null, offset: number): { sql: string[]; params: unknown[] } {
    if (!position) return { sql: [], params: [] };
    const placeholders = position.map((_, index) => `$${offset + index + 1}`);
    return {
      sql: [`${quote(this.dataset.key[0]!)} >= ${placeholders[0]}`, `(${this.orderBy()}) > (${placeholders.join(', ')})`],
      params: [...position],
    };
  }
}

/** The conditions of a request's filters, on a dataset; the request was checked against the dataset before. */
export function filterConditions(dataset: ExportDataset, filters: { from?: Date; to?: Date; status?: string[]; country?: string[]; category?: string[] }): { sql: string[]; params: unknown[] } {
  const sql: string[] = [];
  const params: unknown[] = [];
  if (filters.from) {
    params.push(filters.from);
    sql.push(`${quote(dataset.timeColumn!)} >= $${params.length}`);
  }
  if (filters.to) {
    params.push(filters.to);
    sql.push(`${quote(dataset.timeColumn!)} < $${params.length}`);
  }
  for (const name of ['status', 'country', 'category'] as const) {
    const values = filters[name];
    if (!values?.length) continue;
    params.push(values);
    sql.push(`${quote(dataset.filters[name]!)} = ANY($${params.length}::text[])`);
  }
  return { sql, params };
}
