import { describe, expect, it } from 'vitest';
import { DomainException } from '@tributary/core';
import { ConnectionCursors, readConnection, type ServicePage } from './connection-cursor.util.js';

const cursors = new ConnectionCursors('a-cursor-secret-of-16+');
const binding = { connection: 'Query.numbers', filters: { parity: 'any' } };

/** A service of `total` numbered rows whose pages are at most `max` rows long. */
function service(total: number, max = 1000) {
  const calls: Array<{ pageToken?: string; pageSize: number }> = [];
  const fetchPage = async (pageToken: string | undefined, pageSize: number): Promise<ServicePage<number>> => {
    calls.push({ pageToken, pageSize });
    const from = pageToken ? Number(pageToken) : 0;
    const size = Math.min(pageSize, max);
    const items = Array.from({ length: Math.max(0, Math.min(size, total - from)) }, (_, i) => from + i);
    return { items, ...(from + size < total ? { nextPageToken: String(from + size) } : {}) };
  };
  return { fetchPage, calls };
}

async function walk(total: number, first: number, max = 1000) {
  const { fetchPage, calls } = service(total, max);
  const seen: number[] = [];
  let after: string | undefined;
  let pages = 0;
  for (;;) {
    const page = await readConnection(cursors, binding, first, after, fetchPage);
    seen.push(...page.edges.map((e) => e.node));
    pages++;
    if (!page.hasNextPage) break;
    after = page.edges.at(-1)!.cursor;
  }
  return { seen, pages, calls };
}

describe('readConnection', () => {
  it('walks every row once, in order, whatever the page sizes', async () => {
    for (const [total, first, max] of [[10, 3, 1000], [10, 5, 1000], [2500, 1000, 1000], [25, 7, 4], [0, 5, 1000]] as const) {
      const { seen, pages } = await walk(total, first, max);
      expect(seen).toEqual(Array.from({ length: total }, (_, i) => i));
      expect(pages).toBe(Math.max(1, Math.ceil(total / first)));
    }
  });

  it('resumes after any edge, also one in the middle of a service page', async () => {
    const { fetchPage } = service(20, 8);
    const page = await readConnection(cursors, binding, 6, undefined, fetchPage);
    const resumed = await readConnection(cursors, binding, 4, page.edges[2]!.cursor, fetchPage);
    expect(resumed.edges.map((e) => e.node)).toEqual([3, 4, 5, 6]);
    expect(resumed.hasNextPage).toBe(true);
  });
});

function refusal(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    if (error instanceof DomainException) return { code: error.code, violations: error.violations };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('connection cursors', () => {
  const cursor = { pageToken: 'abc', offset: 3 };

  it('round-trip for the connection and arguments they were made for', () => {
    expect(cursors.decodeOrThrow(cursors.encode(cursor, binding), { connection: 'Query.numbers', filters: { parity: 'any' } })).toEqual(cursor);
    expect(cursors.decodeOrThrow(cursors.encode({ offset: 0 }, binding), binding)).toEqual({ offset: 0 });
  });

  it.each(['', 'nope', Buffer.from('{"t":null,"o":1}').toString('base64url'), `${Buffer.from('{"p":{"b":"x","t":null,"o":1},"e":1e15}').toString('base64url')}.forged`])(
    'refuse %j, which they did not make, naming after',
    (bad) => {
      expect(refusal(() => cursors.decodeOrThrow(bad, binding))).toEqual({ code: 'INVALID_ARGUMENT', violations: [{ field: 'after', message: 'after is not a cursor of this connection' }] });
    },
  );

  it('refuse a cursor of another connection, or of other arguments', () => {
    const message = 'after is a cursor of another connection or of other arguments: repeat the arguments of the first page, or start again without after';
    const token = cursors.encode(cursor, binding);
    expect(refusal(() => cursors.decodeOrThrow(token, { connection: 'Query.letters', filters: { parity: 'any' } }))).toEqual({ code: 'INVALID_ARGUMENT', violations: [{ field: 'after', message }] });
    expect(refusal(() => cursors.decodeOrThrow(token, { connection: 'Query.numbers', filters: { parity: 'even' } }))).toEqual({ code: 'INVALID_ARGUMENT', violations: [{ field: 'after', message }] });
  });

  it('refuse one signed with another secret, and an expired one', () => {
    const other = new ConnectionCursors('another-secret-of-16+');
    expect(refusal(() => cursors.decodeOrThrow(other.encode(cursor, binding), binding))).toMatchObject({ violations: [{ field: 'after', message: 'after is not a cursor of this connection' }] });
    let now = 0;
    const shortLived = new ConnectionCursors('a-cursor-secret-of-16+', 1000, () => now);
    const token = shortLived.encode(cursor, binding);
    now = 1001;
    expect(refusal(() => shortLived.decodeOrThrow(token, binding))).toMatchObject({ violations: [{ field: 'after', message: 'after has expired: start again without after' }] });
  });
});
