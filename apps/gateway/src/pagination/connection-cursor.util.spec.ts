import { describe, expect, it } from 'vitest';
import { decodeCursorOrThrow, encodeCursor, readConnection, type ServicePage } from './connection-cursor.util.js';

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
    const page = await readConnection(first, after, fetchPage);
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
    const page = await readConnection(6, undefined, fetchPage);
    const resumed = await readConnection(4, page.edges[2]!.cursor, fetchPage);
    expect(resumed.edges.map((e) => e.node)).toEqual([3, 4, 5, 6]);
    expect(resumed.hasNextPage).toBe(true);
  });
});

describe('connection cursors', () => {
  it('round-trip and refuse what they did not make', () => {
    expect(decodeCursorOrThrow(encodeCursor({ pageToken: 'abc', offset: 3 }))).toEqual({ pageToken: 'abc', offset: 3 });
    for (const bad of ['', 'nope', Buffer.from('{"t":1,"o":-1}').toString('base64url')]) {
      expect(() => decodeCursorOrThrow(bad)).toThrow(/after is not a cursor/);
    }
  });
});
