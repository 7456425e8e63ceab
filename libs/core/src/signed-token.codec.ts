import { createHmac, timingSafeEqual } from 'node:crypto';
import { parseJsonOrUndefined } from './json.util.js';

/** Why a token was refused: not ours (forged, truncated, garbled), or out of date. */
export type TokenRefusal = 'not-ours' | 'expired';

export type DecodedToken<P> = { ok: true; payload: P } | { ok: false; refusal: TokenRefusal };

interface Envelope<P> {
  /** the payload */
  p: P;
  /** expiry, epoch ms */
  e: number;
}

/**
 * Opaque, tamper-evident tokens: a JSON payload with an expiry, base64url-encoded and
 * signed with HMAC-SHA256. Services' page tokens and the gateway's cursors are both
 * such tokens: a client can hold and return them, never forge or edit them.
 */
export class SignedTokenCodec<P> {
  private readonly key: Buffer;

  constructor(
    secret: string,
    private readonly isPayload: (value: unknown) => value is P,
    private readonly ttlMs: number = 24 * 60 * 60 * 1000,
    private readonly now: () => number = Date.now,
  ) {
    if (secret.length < 16) throw new Error('a token secret must have at least 16 characters');
    this.key = Buffer.from(secret, 'utf8');
  }

  encode(payload: P): string {
    const envelope: Envelope<P> = { p: payload, e: this.now() + this.ttlMs };
    const body = Buffer.from(JSON.stringify(envelope), 'utf8').toString('base64url');
    return `${body}.${this.sign(body)}`;
  }

  decode(token: string): DecodedToken<P> {
    const [body, signature, extra] = token.split('.');
    if (!body || !signature || extra !== undefined || !this.verify(body, signature)) return { ok: false, refusal: 'not-ours' };
    const envelope = parseJsonOrUndefined(Buffer.from(body, 'base64url').toString('utf8')) as Partial<Envelope<unknown>> | undefined;
    if (!envelope || typeof envelope !== 'object' || !Number.isSafeInteger(envelope.e) || !this.isPayload(envelope.p)) return { ok: false, refusal: 'not-ours' };
    if (envelope.e! < this.now()) return { ok: false, refusal: 'expired' };
    return { ok: true, payload: envelope.p };
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

/** A stable digest of filters, to bind a token to them: key order and absent values do not matter. */
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
