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
 * The slice of (updatedAt, id) order that one page may read. `committedBefore` is the
 * page's horizon, read from the database: every row version stamped before it has
 * committed, and every version still to commit is stamped at or after it (WriteHorizon
 * in libs/database). Rows of a transaction still open are therefore held back, with
 * everything after them in the order, until it ends: a cursor never moves past a write
 * that may still commit, however long its transaction runs.
 */
export interface KeysetWindow {
  after?: { updatedAt: Date; id: string };
  updatedSince?: Date;
  committedBefore: Date;
}

export interface PaginationOptions {
  /** HMAC secret of page tokens; at least 16 characters. */
  pageTokenSecret: string;
  pageTokenTtlMs?: number;
}
export const PAGINATION_OPTIONS = Symbol('PAGINATION_OPTIONS');

/** Reads the horizon of a new walk from the service's database (readCommittedBefore). */
export type CommittedBeforeReader = () => Promise<Date>;
export const COMMITTED_BEFORE_READER = Symbol('COMMITTED_BEFORE_READER');

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
export function keysetWhere({ after, updatedSince, committedBefore }: KeysetWindow) {
  const lowerBounds = [after?.updatedAt, updatedSince].filter((d): d is Date => d !== undefined);
  const from = lowerBounds.length ? new Date(Math.max(...lowerBounds.map((d) => d.getTime()))) : undefined;
  return {
    updatedAt: { lt: committedBefore, ...(from ? { gte: from } : {}) },
    ...(after ? { OR: [{ updatedAt: { gt: after.updatedAt } }, { id: { gt: after.id } }] } : {}),
  };
}

export const keysetOrderBy = [{ updatedAt: 'asc' }, { id: 'asc' }] as const;

/** Turns a list query into one keyset page and its signed next-page token. */
@Injectable()
export class KeysetPager {
  private readonly codec: PageTokenCodec;

  constructor(
    @Inject(PAGINATION_OPTIONS) options: PaginationOptions,
    @Inject(COMMITTED_BEFORE_READER) private readonly readCommittedBefore: CommittedBeforeReader,
  ) {
    this.codec = new PageTokenCodec(options.pageTokenSecret, options.pageTokenTtlMs);
  }

  async page<T extends Versioned, Q extends ListQueryDto>(
    resource: string,
    query: Q,
    fetch: PageFetcher<T, Omit<Q, (typeof PAGING_FIELDS)[number]>>,
  ): Promise<Page<T>> {
    // The read mask is not a filter: a walk may change it between pages.
    const { pageSize, pageToken, readMask: _readMask, ...filters } = query;
    const binding = { resource, filters };
    const size = effectivePageSize(pageSize);
    const after = pageToken === undefined ? undefined : this.codec.decodeOrThrow(pageToken, binding);
    const window: KeysetWindow = {
      after,
      updatedSince: filters.updatedSince === undefined ? undefined : new Date(filters.updatedSince),
      committedBefore: await this.horizonAfter(after),
    };
    // One row more than the page tells whether another page exists, even when the
    // last page is exactly full.
    const rows = await fetch(window, size + 1, filters);
    const items = rows.slice(0, size);
    const last = items.at(-1);
    if (rows.length <= size || !last) return { items };
    return { items, nextPageToken: this.codec.encode({ updatedAt: last.updatedAt, id: last.id, committedBefore: window.committedBefore }, binding) };
  }

  /**
   * Each page reads the horizon afresh, so that rows written during a walk come again
   * later in it, and never below the horizon of the page before: an earlier horizon
   * stays true, and a walk whose bound went back could end before its own cursor.
   */
  private async horizonAfter(after: PageCursor | undefined): Promise<Date> {
    const now = await this.readCommittedBefore();
    return after && after.committedBefore > now ? after.committedBefore : now;
  }
}
