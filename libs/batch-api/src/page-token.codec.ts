import { ProblemCode } from '@tributary/contracts';
import { DomainException, filterDigest, SignedTokenCodec } from '@tributary/core';

/**
 * Where the next page of a walk starts: after the last row of the page before, below the
 * same horizon as the walk's first page (see KeysetWindow), so that a walk is one
 * consistent slice of the (updatedAt, id) order. Instants are kept to the millisecond,
 * the precision updated_at is stored with.
 */
export interface PageCursor {
  updatedAt: Date;
  id: string;
  committedBefore: Date;
}

/** What a token was issued for: the resource and the filters of the first request. */
export interface PageTokenBinding {
  resource: string;
  filters: Readonly<Record<string, unknown>>;
}

interface PagePosition {
  /** resource */
  r: string;
  /** digest of the filters */
  f: string;
  /** cursor: updatedAt in epoch ms, id */
  u: number;
  i: string;
  /** the walk's horizon, committedBefore in epoch ms */
  w: number;
}

const isPagePosition = (value: unknown): value is PagePosition => {
  const p = value as Partial<PagePosition> | null;
  return p !== null && typeof p === 'object' && typeof p.r === 'string' && typeof p.f === 'string' && Number.isSafeInteger(p.u) && typeof p.i === 'string' && Number.isSafeInteger(p.w);
};

const TOKEN_FIELD = 'pageToken';

/**
 * Page tokens are opaque to clients and tamper-evident (SignedTokenCodec), and bound
 * to the resource and filters they were issued for: a forged, truncated, expired or
 * re-targeted token is refused with a 400 before it reaches SQL.
 */
export class PageTokenCodec {
  private readonly tokens: SignedTokenCodec<PagePosition>;

  constructor(secret: string, ttlMs?: number, now?: () => number) {
    this.tokens = new SignedTokenCodec(secret, isPagePosition, ttlMs, now);
  }

  encode(cursor: PageCursor, binding: PageTokenBinding): string {
    return this.tokens.encode({ r: binding.resource, f: filterDigest(binding.filters), u: cursor.updatedAt.getTime(), i: cursor.id, w: cursor.committedBefore.getTime() });
  }

  /** Returns the cursor, or throws INVALID_PAGE_TOKEN naming what is wrong. */
  decodeOrThrow(token: string, binding: PageTokenBinding): PageCursor {
    const decoded = this.tokens.decode(token);
    if (!decoded.ok) throw invalidToken(decoded.refusal === 'expired' ? 'pageToken has expired: start again without pageToken' : 'pageToken is not a token this service issued');
    const position = decoded.payload;
    if (position.r !== binding.resource) throw invalidToken(`pageToken was issued for ${position.r}, not ${binding.resource}`);
    if (position.f !== filterDigest(binding.filters)) {
      throw invalidToken('pageToken was issued for other filters: repeat the filters of the first page, or start again without pageToken');
    }
    return { updatedAt: new Date(position.u), id: position.i, committedBefore: new Date(position.w) };
  }
}

function invalidToken(message: string): DomainException {
  return new DomainException(ProblemCode.invalidPageToken, message, [{ field: TOKEN_FIELD, message }]);
}
