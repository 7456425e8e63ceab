import type { Instant } from './common.js';

/** The most ids one batch call may carry (DESIGN.md, AIP-231). */
export const MAX_BATCH_SIZE = 1000;
/** Page size when the caller gives none, or 0 (AIP-158). */
export const DEFAULT_PAGE_SIZE = 100;
/** A larger page size is lowered to this one rather than refused (AIP-158). */
export const MAX_PAGE_SIZE = 1000;
/** Ids are UUIDv7 strings; anything longer than this is not an id of ours. */
export const MAX_ID_LENGTH = 64;

/** The longest read mask a service takes. */
export const MAX_READ_MASK_LENGTH = 1024;

/** `POST /v1/{rs}:batchGet` */
export interface BatchGetRequest {
  ids: string[];
  /**
   * AIP-157 partial responses: only these fields of each resource, comma-separated,
   * a nested one by its path (`id,placedAt,lines.quantity`). Absent, empty or `*`:
   * every field. A field the resource does not have is refused (400).
   */
  readMask?: string;
}

export interface NotFoundEntry {
  id: string;
  error: { code: 'NOT_FOUND'; message: string };
}

/** One result of a batchGet: the resource under its singular name, or NOT_FOUND. */
export type BatchGetEntry<K extends string, T> = ({ id: string } & { [key in K]: T }) | NotFoundEntry;

/** One entry per requested id, in the requested order, duplicates repeated. */
export interface BatchGetResponse<K extends string, T> {
  results: Array<BatchGetEntry<K, T>>;
}

/** The query of every `GET /v1/{rs}`; resources add their own filters. */
export interface ListQuery {
  pageSize?: number;
  pageToken?: string;
  /** Only rows whose updatedAt is at or after this instant (incremental reads). */
  updatedSince?: Instant;
  /** Only these fields of each resource, as in BatchGetRequest; not a filter (pages of one walk may differ). */
  readMask?: string;
}

/** One keyset page: `{"customers": [...], "nextPageToken": "..."}`, no token on the last page. */
export type ListPage<K extends string, T> = { [key in K]: T[] } & { nextPageToken?: string };
