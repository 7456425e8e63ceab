import { createHmac, timingSafeEqual } from 'node:crypto';
import { ProblemException } from './problem.exception.js';

/** The position of a keyset page: the last row of the page before. */
export interface PageCursor {
  updatedAt: Date;
  id: string;
}

/** What a token was issued for: the resource and the filters of the first request. */
export interface PageTokenBinding {
  resource: string;
  filters: Readonly<Record<string, unknown>>;
}

interface TokenPayload {
  /** format version */
  v: 1;
  /** resource */
  r: string;
  /** digest of the filters */
  f: string;
  /** cursor: updatedAt in epoch ms, id */
  u: number;
  i: string;
  /** expiry, epoch ms */
  e: number;
}

const TOKEN_FIELD = 'pageToken';

/**
 * Page tokens are opaque to clients and tamper-evident: the payload is signed with
 * HMAC-SHA256, so a forged, truncated, expired or re-targeted token is refused with a
 * 400 before it reaches SQL.
 */
export class PageTokenCodec {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly ttlMs: number = 24 * 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 16) throw new Error('the page token secret must have at least 16 characters');
    this.key = Buffer.from(secret, 'utf8');
  }

  encode(cursor: PageCursor, binding: PageTokenBinding): string {
    const payload: TokenPayload = {
      v: 1,
      r: binding.resource,
      f: filterDigest(binding.filters),
      u: cursor.updatedAt.getTime(),
      i: cursor.id,
      e: this.now() + this.ttlMs,
    };
    const body = Buffer.from(JSON.stringify(payload), 'utf8').toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  /** Returns the cursor, or throws INVALID_PAGE_TOKEN naming what is wrong. */
  decodeOrThrow(token: string, binding: PageTokenBinding): PageCursor {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined || !this.verify(body, signature)) {
      throw invalidToken('pageToken is not a token this service issued');
    }
    const payload = parsePayload(body);
    if (!payload) throw invalidToken('pageToken is not a token this service issued');
    if (payload.r !== binding.resource) throw invalidToken(`pageToken was issued for ${payload.r}, not ${binding.resource}`);
    if (payload.f !== filterDigest(binding.filters)) {
      throw invalidToken('pageToken was issued for other filters: repeat the filters of the first page, or start again without pageToken');
    }
    if (payload.e < this.now()) throw invalidToken('pageToken has expired: start again without pageToken');
    return { updatedAt: new Date(payload.u), id: payload.i };
  }

  private sign(body: string): string {
    return createHmac('sha256', this.key).update(body).digest('base64url');
  }

  private verify(body: string, signature: string): boolean {
    const expected = Buffer.from(this.sign(body));
    const given = Buffer.from(signature);
    return expected.length === given.length && timingSafeEqual(expected, given);
  }
}

function invalidToken(message: string): ProblemException {
  return new ProblemException('INVALID_PAGE_TOKEN', message, [{ field: TOKEN_FIELD, message }]);
}

function parsePayload(body: string): TokenPayload | undefined {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch (error) {
    if (error instanceof SyntaxError) return undefined;
    throw error;
  }
  const p = value as Partial<TokenPayload> | null;
  const valid =
    p !== null && typeof p === 'object' && p.v === 1 && typeof p.r === 'string' && typeof p.f === 'string' &&
    Number.isSafeInteger(p.u) && typeof p.i === 'string' && Number.isSafeInteger(p.e);
  return valid ? (p as TokenPayload) : undefined;
}

/** A stable digest of the filters: key order and absent values do not matter. */
export function filterDigest(filters: Readonly<Record<string, unknown>>): string {
  const canonical = Object.keys(filters)
    .filter((key) => filters[key] !== undefined && filters[key] !== null)
    .sort()
    .map((key) => [key, normalise(filters[key])]);
  return createHmac('sha256', 'filters').update(JSON.stringify(canonical)).digest('base64url').slice(0, 22);
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(normalise);
  return value;
}
