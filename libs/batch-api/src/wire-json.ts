import { StreamableFile } from '@nestjs/common';
import { alignByIds } from '@tributary/core';
import { notFoundEntry } from './batch-get-results.util.js';
import { readMaskKey, readMaskOrThrow, type MaskableFields, type ReadMask } from './read-mask.js';
import type { KeysetWindow } from './keyset-pager.js';

/**
 * A row whose wire form the database wrote: its JSON text, and the keys a keyset page
 * needs. A 1000-order page read as objects cost the orders service about 22 ms of CPU
 * (driver rows, Prisma's objects, the DTO, JSON.stringify, their garbage); as text
 * PostgreSQL writes in C, about half, for the same time in the database as the two
 * plain statements it replaces.
 */
export interface WireRow {
  id: string;
  updatedAt: Date;
  json: string;
}

/** An instant as the contract writes it, Date.prototype.toISOString's form: `2026-12-03T20:41:41.123Z`. */
export const isoInstantSql = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** A list of objects of a resource's own, such as an order's lines: their fields, and the SQL that lists them given one object's JSON. */
export interface WireList {
  fields: Readonly<Record<string, string>>;
  list(objectSql: string): string;
}

/**
 * A resource's wire form as SQL: each field of the contract, in its order, given by
 * an SQL expression over the service's own tables (never input), or a WireList.
 */
export type WireForm = Readonly<Record<string, string | WireList>>;

/** What a read mask may name in a wire form. */
export const maskableFieldsOf = (form: WireForm): MaskableFields =>
  Object.fromEntries(Object.entries(form).map(([name, field]) => [name, typeof field === 'string' ? true : Object.keys(field.fields)]));

/** row_to_json writes compact JSON (json_build_object puts a space around every colon). */
function objectSql(columns: Array<[string, string]>): string {
  return `(SELECT row_to_json(wire) FROM (SELECT ${columns.map(([name, expression]) => `${expression} AS "${name}"`).join(', ')}) wire)`;
}

/** The JSON text of one resource with the fields the mask chooses (every field without one), in the form's order. */
export function wireObjectSql(form: WireForm, mask?: ReadMask): string {
  const columns = Object.entries(form).flatMap(([name, field]): Array<[string, string]> => {
    const chosen = mask ? mask.get(name) : true;
    if (chosen === undefined) return [];
    if (typeof field === 'string') return [[name, field]];
    const nested = Object.entries(field.fields).filter(([nestedName]) => chosen === true || chosen.has(nestedName));
    return [[name, field.list(objectSql(nested))]];
  });
  return objectSql(columns);
}

/** How many masks' SQL a resource keeps; past it the cache starts again (a mask costs microseconds to build). */
const MAX_CACHED_MASKS = 256;

/** A resource's wire form, its SQL per read mask built once. */
export class WireSelect {
  private readonly fields: MaskableFields;
  private readonly byMask = new Map<string, string>();

  constructor(
    private readonly form: WireForm,
    private readonly resource: string,
  ) {
    this.fields = maskableFieldsOf(form);
  }

  /** The SQL of one resource's JSON for a caller's read mask (400 naming `field` when it is not one). */
  sqlFor(readMask: string | undefined, field = 'readMask'): string {
    const mask = readMaskOrThrow(readMask, this.fields, this.resource, field);
    const key = readMaskKey(mask, this.fields);
    let sql = this.byMask.get(key);
    if (!sql) {
      if (this.byMask.size >= MAX_CACHED_MASKS) this.byMask.clear();
      this.byMask.set(key, (sql = wireObjectSql(this.form, mask)));
    }
    return sql;
  }
}

/** What keysetWhereSql needs of a service's Prisma namespace (`Prisma`): this lib loads no Prisma of its own, for the gateway imports it. */
export interface SqlTags<Sql> {
  sql(strings: readonly string[], ...values: unknown[]): Sql;
  raw(text: string): Sql;
  empty: Sql;
}

/** keysetWhere as SQL over `alias`'s updated_at and id, for statements written by hand: `keysetWhereSql(Prisma, window, 'c')`. */
export function keysetWhereSql<Sql>({ sql, raw, empty }: SqlTags<Sql>, { after, updatedSince, committedBefore }: KeysetWindow, alias: string): Sql {
  const updatedAt = `${alias}.updated_at`;
  const lowerBounds = [after?.updatedAt, updatedSince].filter((d): d is Date => d !== undefined);
  const from = lowerBounds.length ? new Date(Math.max(...lowerBounds.map((d) => d.getTime()))) : undefined;
  return sql`${raw(updatedAt)} < ${committedBefore}
    ${from ? sql`AND ${raw(updatedAt)} >= ${from}` : empty}
    ${after ? sql`AND (${raw(updatedAt)} > ${after.updatedAt} OR ${raw(alias)}.id > ${after.id})` : empty}`;
}

/** A body already written as JSON text, sent as it is. */
function jsonResponse(text: string): StreamableFile {
  const body = Buffer.from(text, 'utf8');
  return new StreamableFile(body, { type: 'application/json; charset=utf-8', length: body.length });
}

/** A list page (`{"customers":[…],"nextPageToken":"…"}`) from rows the database wrote. */
export function wireListResponse(collection: string, rows: readonly WireRow[], nextPageToken: string | undefined): StreamableFile {
  const token = nextPageToken ? `,"nextPageToken":${JSON.stringify(nextPageToken)}` : '';
  return jsonResponse(`{${JSON.stringify(collection)}:[${rows.map((row) => row.json).join(',')}]${token}}`);
}

/** A batchGet answer from rows the database wrote: one result per requested id, in order, as toBatchGetResults gives it. */
export function wireBatchGetResponse(resourceKey: string, ids: readonly string[], rows: readonly WireRow[]): StreamableFile {
  const key = JSON.stringify(resourceKey);
  const results = alignByIds(ids, rows, (row) => row.id).map((row, index) =>
    row === undefined ? JSON.stringify(notFoundEntry(resourceKey, ids[index]!)) : `{"id":${JSON.stringify(row.id)},${key}:${row.json}}`,
  );
  return jsonResponse(`{"results":[${results.join(',')}]}`);
}
