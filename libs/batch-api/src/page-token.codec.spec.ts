import { describe, expect, it } from 'vitest';
import { DomainException, filterDigest } from '@tributary/core';
import { PageTokenCodec } from './page-token.codec.js';

const binding = { resource: 'orders', filters: { status: 'PAID', customerId: 'c1' } };
const cursor = { updatedAt: new Date('2026-01-02T03:04:05.678Z'), id: '0190-abc', committedBefore: new Date('2026-01-02T03:04:06.001Z') };

function problemOf(run: () => unknown): DomainException {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainException) return error;
    throw error;
  }
  throw new Error('expected a DomainException');
}

describe('PageTokenCodec', () => {
  const codec = new PageTokenCodec('a-secret-of-sixteen-chars');

  it('round-trips the cursor for the same resource and filters', () => {
    const token = codec.encode(cursor, binding);
    expect(codec.decodeOrThrow(token, { resource: 'orders', filters: { customerId: 'c1', status: 'PAID' } })).toEqual(cursor);
  });

  it('is opaque: the token does not show the id in clear text', () => {
    expect(codec.encode(cursor, binding)).not.toContain('0190-abc');
  });

  it('refuses a token whose payload was edited', () => {
    const [body, signature] = codec.encode(cursor, binding).split('.');
    const forged = JSON.parse(Buffer.from(body!, 'base64url').toString());
    forged.p.i = 'zzz';
    const token = `${Buffer.from(JSON.stringify(forged)).toString('base64url')}.${signature}`;
    const problem = problemOf(() => codec.decodeOrThrow(token, binding));
    expect(problem.code).toBe('INVALID_PAGE_TOKEN');
    expect(problem.violations).toEqual([{ field: 'pageToken', message: 'pageToken is not a token this service issued' }]);
  });

  it.each(['', 'garbage', 'a.b', 'a.b.c', '%%%.%%%'])('refuses the malformed token %j', (token) => {
    expect(problemOf(() => codec.decodeOrThrow(token, binding)).code).toBe('INVALID_PAGE_TOKEN');
  });

  it('refuses a token signed with another secret', () => {
    const other = new PageTokenCodec('another-secret-sixteen');
    expect(problemOf(() => codec.decodeOrThrow(other.encode(cursor, binding), binding)).message).toBe('pageToken is not a token this service issued');
  });

  it('refuses a token reused with other filters or another resource', () => {
    const token = codec.encode(cursor, binding);
    expect(problemOf(() => codec.decodeOrThrow(token, { resource: 'orders', filters: { status: 'SHIPPED', customerId: 'c1' } })).message).toBe(
      'pageToken was issued for other filters: repeat the filters of the first page, or start again without pageToken',
    );
    expect(problemOf(() => codec.decodeOrThrow(token, { resource: 'customers', filters: binding.filters })).message).toBe('pageToken was issued for orders, not customers');
  });

  it('refuses an expired token', () => {
    let now = 1_000;
    const shortLived = new PageTokenCodec('a-secret-of-sixteen-chars', 60_000, () => now);
    const token = shortLived.encode(cursor, binding);
    now += 60_001;
    expect(problemOf(() => shortLived.decodeOrThrow(token, binding)).message).toBe('pageToken has expired: start again without pageToken');
  });
});

describe('filterDigest', () => {
  it('ignores key order and absent values, and tells different values apart', () => {
    expect(filterDigest({ a: 1, b: undefined, c: new Date(0) })).toBe(filterDigest({ c: new Date(0), a: 1 }));
    expect(filterDigest({ a: 1 })).not.toBe(filterDigest({ a: 2 }));
    expect(filterDigest({ statuses: ['PAID', 'SHIPPED'] })).not.toBe(filterDigest({ statuses: ['PAID'] }));
  });
});
