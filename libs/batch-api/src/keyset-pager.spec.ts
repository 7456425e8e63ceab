import { describe, expect, it } from 'vitest';
import { effectivePageSize, KeysetPager, type KeysetWindow, type Versioned } from './keyset-pager.js';

const rows: Versioned[] = Array.from({ length: 7 }, (_, i) => ({ id: `id-${i}`, updatedAt: new Date(Date.UTC(2026, 0, 1 + Math.floor(i / 2))) }));

/** An in-memory stand-in for the SQL of keysetWhere, to walk pages without a database. */
function fetchFrom(all: Versioned[]) {
  return async (window: KeysetWindow, take: number) =>
    all
      .filter((r) => r.updatedAt < window.committedBefore)
      .filter((r) => !window.updatedSince || r.updatedAt >= window.updatedSince)
      .filter((r) => !window.after || r.updatedAt > window.after.updatedAt || (r.updatedAt.getTime() === window.after.updatedAt.getTime() && r.id > window.after.id))
      .slice(0, take);
}

describe('effectivePageSize', () => {
  it('defaults absent and 0, keeps sizes up to 1000 and lowers larger ones', () => {
    expect([undefined, 0, 1, 1000, 1001, 50_000].map(effectivePageSize)).toEqual([100, 100, 1, 1000, 1000, 1000]);
  });
});

// keysetWhere itself runs on a real database: test/keyset-window.e2e.ts.

describe('KeysetPager', () => {
  const pager = new KeysetPager({ pageTokenSecret: 'sixteen-characters!' }, async () => new Date(Date.UTC(2026, 0, 31)));

  it('walks every row once, and the exactly full last page has no next token', async () => {
    const seen: string[] = [];
    let pageToken: string | undefined;
    let pages = 0;
    do {
      const page = await pager.page('things', { pageSize: 2, pageToken }, fetchFrom(rows.slice(0, 6)));
      seen.push(...page.items.map((r) => r.id));
      pageToken = page.nextPageToken;
      pages++;
    } while (pageToken);
    expect(seen).toEqual(rows.slice(0, 6).map((r) => r.id));
    expect(pages).toBe(3);
  });

  it('binds the token to the filters of the first page', async () => {
    const first = await pager.page('things', { pageSize: 2, updatedSince: '2026-01-01T00:00:00Z' }, fetchFrom(rows));
    await expect(pager.page('things', { pageSize: 2, pageToken: first.nextPageToken }, fetchFrom(rows))).rejects.toMatchObject({ code: 'INVALID_PAGE_TOKEN' });
    const second = await pager.page('things', { pageSize: 2, pageToken: first.nextPageToken, updatedSince: '2026-01-01T00:00:00Z' }, fetchFrom(rows));
    expect(second.items.map((r) => r.id)).toEqual(['id-2', 'id-3']);
  });

  it('reads the horizon for every page, and never goes below the horizon the page before carried in its token', async () => {
    const horizons = [Date.UTC(2026, 0, 3, 12), Date.UTC(2026, 0, 2), Date.UTC(2026, 0, 31), Date.UTC(2026, 0, 31)];
    const reads = [...horizons];
    const walker = new KeysetPager({ pageTokenSecret: 'sixteen-characters!' }, async () => new Date(reads.shift()!));
    const used: number[] = [];
    const fetch = fetchFrom(rows);
    let pageToken: string | undefined;
    const seen: string[] = [];
    do {
      const page = await walker.page('things', { pageSize: 2, pageToken }, async (window, take) => {
        used.push(window.committedBefore.getTime());
        return fetch(window, take);
      });
      seen.push(...page.items.map((r) => r.id));
      pageToken = page.nextPageToken;
    } while (pageToken);
    // The second read went back in time (below the first page's last row): the page kept the first page's horizon.
    expect(used).toEqual([horizons[0], horizons[0], horizons[2], horizons[3]]);
    expect(seen).toEqual(['id-0', 'id-1', 'id-2', 'id-3', 'id-4', 'id-5', 'id-6']);
  });
});
