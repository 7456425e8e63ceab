import { MAX_PAGE_SIZE, ProblemException } from '@tributary/batch-api';

/**
 * A gateway cursor: the service page token a page started at, and how many of that
 * page's rows lie before the cursor. Services only sign tokens at page ends, so a
 * cursor in the middle of a page resumes by reading that page again and skipping.
 */
export interface ConnectionCursor {
  pageToken?: string;
  offset: number;
}

export function encodeCursor(cursor: ConnectionCursor): string {
  return Buffer.from(JSON.stringify({ t: cursor.pageToken ?? null, o: cursor.offset }), 'utf8').toString('base64url');
}

export function decodeCursorOrThrow(cursor: string, field = 'after'): ConnectionCursor {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
  }
  const value = parsed as { t?: unknown; o?: unknown } | undefined;
  const valid =
    value !== null && typeof value === 'object' && (value.t === null || typeof value.t === 'string') && Number.isInteger(value.o) && (value.o as number) >= 0 && (value.o as number) <= MAX_PAGE_SIZE;
  if (!valid) throw ProblemException.invalidArgument([{ field, message: `${field} is not a cursor of this connection` }]);
  return { pageToken: (value.t as string | null) ?? undefined, offset: value.o as number };
}

export interface ServicePage<T> {
  items: T[];
  nextPageToken?: string;
}

/**
 * Reads `first` rows after `after` from a service's keyset pages and gives each edge
 * a cursor; hasNextPage comes from the service (a row left in the page, or a token).
 */
export async function readConnection<T>(
  first: number,
  after: string | null | undefined,
  fetchPage: (pageToken: string | undefined, pageSize: number) => Promise<ServicePage<T>>,
): Promise<{ edges: Array<{ node: T; cursor: string }>; hasNextPage: boolean }> {
  const start = after == null ? { offset: 0 } : decodeCursorOrThrow(after);
  const edges: Array<{ node: T; cursor: string }> = [];
  let pageToken = start.pageToken;
  let skip = start.offset;
  for (;;) {
    const need = first - edges.length;
    const page = await fetchPage(pageToken, Math.min(skip + need, MAX_PAGE_SIZE));
    const taken = page.items.slice(skip, skip + need);
    taken.forEach((node, index) => {
      const position = skip + index + 1;
      // The last row of a page continues best from the service's own next token.
      const cursor = position === page.items.length && page.nextPageToken ? { offset: 0, pageToken: page.nextPageToken } : { offset: position, pageToken };
      edges.push({ node, cursor: encodeCursor(cursor) });
    });
    const rowsLeftInPage = page.items.length > skip + taken.length;
    if (edges.length === first) return { edges, hasNextPage: rowsLeftInPage || page.nextPageToken !== undefined };
    if (!page.nextPageToken || page.items.length === 0) return { edges, hasNextPage: false };
    pageToken = page.nextPageToken;
    skip = 0;
  }
}

/** A connection over a list already in memory, with the same cursors. */
export function connectionOfList<T>(items: readonly T[], first: number, after: string | null | undefined) {
  return readConnection(first, after, async (pageToken, pageSize) => {
    const from = pageToken === undefined ? 0 : Number(pageToken);
    const end = from + pageSize;
    return { items: items.slice(from, end), ...(end < items.length ? { nextPageToken: String(end) } : {}) };
  });
}
