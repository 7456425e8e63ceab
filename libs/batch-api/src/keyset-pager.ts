import { Inject, Injectable } from '@nestjs/common';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@tributary/contracts';
import { PAGING_FIELDS, type ListQueryDto } from './batch-api.dto.js';
import { PageTokenCodec, type PageCursor } from './page-token.codec.js';

/** Rows that can be paged: every resource has an id and moves updatedAt on every write. */
export interface Versioned {
  id: string;
  updatedAt: Date;
}

/**
 * The slice of (updatedAt, id) order that one page may read. `visibleUntil` keeps the
 * walk a safety margin behind now: a transaction that stamped updatedAt a moment ago
 * but has not committed yet must not be overtaken by the cursor, or an incremental
 * reader would never see it.
 */
export interface KeysetWindow {
  after?: PageCursor;
  updatedSince?: Date;
  visibleUntil: Date;
}

export interface PaginationOptions {
  /** HMAC secret of page tokens; at least 16 characters. */
  pageTokenSecret: string;
  /** How far behind now a walk reads, in ms (see KeysetWindow). */
  safetyMarginMs: number;
  pageTokenTtlMs?: number;
}
export const PAGINATION_OPTIONS = Symbol('PAGINATION_OPTIONS');

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

export type PageFetcher<T, F> = (window: KeysetWindow, take: number, filters: F) => Promise<T[]>;

/** The effective page size of AIP-158: absent or 0 is the default, above the maximum is lowered. */
export function effectivePageSize(requested: number | undefined): number {
  if (!requested) return DEFAULT_PAGE_SIZE;
  return Math.min(requested, MAX_PAGE_SIZE);
}

/**
 * Prisma `where` for a keyset window over (updatedAt, id). The redundant lower bound on
 * updatedAt lets PostgreSQL start the (updated_at, id) index scan at the cursor.
 */
export function keysetWhere({ after, updatedSince, visibleUntil }: KeysetWindow) {
  const lowerBounds = [after?.updatedAt, updatedSince].filter((d): d is Date => d !== undefined);
  const from = lowerBounds.length ? new Date(Math.max(...lowerBounds.map((d) => d.getTime()))) : undefined;
  return {
    updatedAt: { lte: visibleUntil, ...(from ? { gte: from } : {}) },
    ...(after ? { OR: [{ updatedAt: { gt: after.updatedAt } }, { id: { gt: after.id } }] } : {}),
  };
}

export const keysetOrderBy = [{ updatedAt: 'asc' }, { id: 'asc' }] as const;

/** Turns a list query into one keyset page and its signed next-page token. */
@Injectable()
export class KeysetPager {
  private readonly codec: PageTokenCodec;

  constructor(@Inject(PAGINATION_OPTIONS) private readonly options: PaginationOptions) {
    this.codec = new PageTokenCodec(options.pageTokenSecret, options.pageTokenTtlMs);
  }

  async page<T extends Versioned, Q extends ListQueryDto>(
    resource: string,
    query: Q,
    fetch: PageFetcher<T, Omit<Q, (typeof PAGING_FIELDS)[number]>>,
  ): Promise<Page<T>> {
    const { pageSize, pageToken, ...filters } = query;
    const binding = { resource, filters };
    const size = effectivePageSize(pageSize);
    const window: KeysetWindow = {
      after: pageToken === undefined ? undefined : this.codec.decodeOrThrow(pageToken, binding),
      updatedSince: filters.updatedSince === undefined ? undefined : new Date(filters.updatedSince),
      visibleUntil: new Date(Date.now() - this.options.safetyMarginMs),
    };
    // One row more than the page tells whether another page exists, even when the
    // last page is exactly full.
    const rows = await fetch(window, size + 1, filters);
    const items = rows.slice(0, size);
    const last = items.at(-1);
    if (rows.length <= size || !last) return { items };
    return { items, nextPageToken: this.codec.encode({ updatedAt: last.updatedAt, id: last.id }, binding) };
  }
}
