import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '@tributary/contracts';
import { FAR_FUTURE, ListShapeError, type AuditContext, type ListedRow, type Walk } from './audit-context.js';
import { describeResponse, problemMismatch, shorten } from './audit-http.js';
import { fail, pass, type AuditVerdict, type ContractAudit } from './contract-audit.types.js';

const short = (id: string) => shorten(id, 40);
const count = (n: number) => n.toLocaleString('en-US');

/** Runs a check that reads pages; a page that is not a list page fails it with what was wrong. */
async function readingPages(check: () => Promise<AuditVerdict>): Promise<AuditVerdict> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof ListShapeError) return fail(error.message);
    throw error;
  }
}

const shape: ContractAudit = {
  name: 'list.shape',
  level: 'MUST',
  rule: 'GET /v1/{rs} answers 200 {"<rs>": [...], "nextPageToken": "..."}, each row with its id and updatedAt',
  run: (context) =>
    readingPages(async () => {
      const page = await context.listPage({ pageSize: 3 });
      if (page.response.contentType !== 'application/json') return fail(`${describeResponse(page.response)}: a page is application/json`);
      return pass(`a page of ${page.rows.length} ${context.resource} under "${context.resource}", each with id and updatedAt${page.nextPageToken ? ', and a nextPageToken' : ''}`);
    }),
};

function firstRepeat(rows: readonly ListedRow[]): ListedRow | undefined {
  const seen = new Set<string>();
  return rows.find((row) => (seen.has(row.id) ? true : (seen.add(row.id), false)));
}

/**
 * Compares two walks of the same list, the earlier one first. The contract holds for
 * rows not written during the walk: a row whose version differs between the walks, or
 * that only the later walk has with a version after all of the earlier's, was written
 * during the audit and is left out.
 */
function compareWalks(earlier: Walk, later: Walk): { failure?: string; compared: number; leftOut: number } {
  const horizon = Math.min(earlier.complete ? Infinity : (earlier.rows.at(-1)?.version ?? -Infinity), later.complete ? Infinity : (later.rows.at(-1)?.version ?? -Infinity));
  const versionsOf = (walk: Walk) => new Map(walk.rows.map((row) => [row.id, row.version]));
  const [early, late] = [versionsOf(earlier), versionsOf(later)];
  const latestEarly = Math.max(-Infinity, ...early.values());
  const writtenDuring = new Set([...late].filter(([id, version]) => (early.has(id) ? early.get(id) !== version : version > latestEarly)).map(([id]) => id));
  const comparable = (walk: Walk) => walk.rows.filter((row) => row.version < horizon && !writtenDuring.has(row.id));
  const [a, b] = [comparable(earlier), comparable(later)];
  const describe = (walk: Walk) => `the walk in pages of ${walk.pageSize}`;
  const inB = new Set(b.map((row) => row.id));
  const inA = new Set(a.map((row) => row.id));
  const missingFromB = a.filter((row) => !inB.has(row.id));
  const missingFromA = b.filter((row) => !inA.has(row.id));
  const skipped = (walk: Walk, rows: ListedRow[], other: Walk) =>
    `${describe(walk)} skipped ${count(rows.length)} rows that ${describe(other)} gave (the first: ${short(rows[0]!.id)}, updatedAt ${rows[0]!.updatedAt})`;
  if (missingFromB.length) return { failure: skipped(later, missingFromB, earlier), compared: a.length, leftOut: writtenDuring.size };
  if (missingFromA.length) return { failure: skipped(earlier, missingFromA, later), compared: a.length, leftOut: writtenDuring.size };
  const differs = a.findIndex((row, index) => row.id !== b[index]!.id);
  if (differs >= 0) return { failure: `the walks in pages of ${earlier.pageSize} and of ${later.pageSize} give the same rows in different orders from row ${differs}`, compared: a.length, leftOut: writtenDuring.size };
  return { compared: a.length, leftOut: writtenDuring.size };
}

const walkOnce: ContractAudit = {
  name: 'list.walk-once',
  level: 'MUST',
  rule: 'walking every page returns every row not written during the walk exactly once',
  run: (context) =>
    readingPages(async () => {
      const earlier = await context.fullWalk();
      const later = await context.smallWalk();
      for (const walk of [earlier, later]) {
        const repeated = firstRepeat(walk.rows);
        if (repeated) return fail(`the walk in pages of ${walk.pageSize} gave ${short(repeated.id)} twice`);
        const oversized = walk.pageLengths.findIndex((length) => length > walk.pageSize);
        if (oversized >= 0) return fail(`page ${oversized + 1} of the walk in pages of ${walk.pageSize} had ${walk.pageLengths[oversized]} rows`);
      }
      const { failure, compared, leftOut } = compareWalks(earlier, later);
      if (failure) return fail(failure);
      const extent = earlier.complete && later.complete ? `all ${count(compared)} rows` : `the first ${count(compared)} rows (the walks stop at ${count(context.maxRows)})`;
      return pass(`${extent} in pages of ${later.pageSize} and of ${earlier.pageSize}: each once, the same rows in the same order${leftOut ? `; ${leftOut} rows written during the audit left out` : ''}`);
    }),
};

const order: ContractAudit = {
  name: 'list.order',
  level: 'MUST',
  rule: 'rows come in (updatedAt, id) order',
  run: (context) =>
    readingPages(async () => {
      for (const walk of [await context.fullWalk(), await context.smallWalk()]) {
        const back = walk.rows.findIndex((row, index) => index > 0 && row.version < walk.rows[index - 1]!.version);
        if (back >= 0) {
          const [before, row] = [walk.rows[back - 1]!, walk.rows[back]!];
          return fail(`row ${back} of the walk in pages of ${walk.pageSize} (${short(row.id)}, updatedAt ${row.updatedAt}) comes after one updated at ${before.updatedAt}`);
        }
      }
      return pass(`every walk's updatedAt never goes back`);
    }),
};

const lastPage: ContractAudit = {
  name: 'list.last-page',
  level: 'MUST',
  rule: 'the last page has no nextPageToken, and every other page has one',
  run: (context) =>
    readingPages(async () => {
      const walks = [await context.fullWalk(), await context.smallWalk()];
      const odd = walks.find((walk) => walk.anomaly);
      if (odd) return fail(`the walk in pages of ${odd.pageSize}: ${odd.anomaly}`);
      const empty = await context.listPage({ updatedSince: FAR_FUTURE, pageSize: 10 });
      if (empty.rows.length) return fail(`updatedSince=${FAR_FUTURE} gave ${empty.rows.length} rows`);
      if (empty.nextPageToken !== undefined) return fail(`a page without rows (updatedSince=${FAR_FUTURE}) has a nextPageToken`);
      if (!walks.every((walk) => walk.complete)) return pass(`an empty page has no token; the walks stopped at ${count(context.maxRows)} rows, each page with a token`);
      return pass(`both walks ended on a page without nextPageToken after pages that had one, and an empty page has none`);
    }),
};

/** A page size that makes the walk's last page exactly full, with at most 30 pages; undefined when none does. */
function exactlyFilling(rows: number): number | undefined {
  for (let size = Math.min(rows, MAX_PAGE_SIZE); size >= 1 && rows / size <= 30; size--) if (rows % size === 0) return size;
  return undefined;
}

const noEmptyLastPage: ContractAudit = {
  name: 'list.no-empty-last-page',
  level: 'SHOULD',
  rule: 'an exactly full last page has no nextPageToken (read pageSize + 1 rows), not one that leads to an empty page',
  run: (context) =>
    readingPages(async () => {
      const rows = await context.rowCount();
      if (rows === undefined) return pass(`not checked: the list has more than ${count(context.maxRows)} rows`);
      if (rows === 0) return pass('not checked: the list is empty');
      const size = exactlyFilling(rows);
      if (size === undefined) return pass(`not checked: no page size up to ${MAX_PAGE_SIZE} divides ${count(rows)} rows into at most 30 pages`);
      const walk = await context.walk(size);
      if (walk.rows.length !== rows) return fail(`the walk in pages of ${size} gave ${count(walk.rows.length)} rows, not ${count(rows)}`);
      const full = walk.pageLengths.length;
      if (walk.pageLengths.at(-1) === 0) return fail(`${count(rows)} rows in pages of ${size}: page ${full - 1} is exactly full and gives a nextPageToken to an empty page ${full}`);
      return pass(`${count(rows)} rows in pages of ${size}: the exactly full page ${full} has no nextPageToken`);
    }),
};

const pageSizeDefault: ContractAudit = {
  name: 'list.page-size-default',
  level: 'MUST',
  rule: `pageSize absent or 0 means ${DEFAULT_PAGE_SIZE}`,
  run: (context) =>
    readingPages(async () => {
      const walk = await context.fullWalk();
      const expected = Math.min(DEFAULT_PAGE_SIZE, walk.rows.length);
      for (const [label, query] of [['no pageSize', {}], ['pageSize=0', { pageSize: 0 }]] as const) {
        const page = await context.listPage(query);
        if (page.rows.length !== expected) return fail(`${label} gave ${page.rows.length} rows, not ${expected}${expected < DEFAULT_PAGE_SIZE ? ` (the list has ${expected})` : ''}`);
        if ((page.nextPageToken !== undefined) !== walk.rows.length > expected) return fail(`${label} gave ${page.nextPageToken ? 'a' : 'no'} nextPageToken on a list of ${count(walk.rows.length)} rows`);
      }
      return pass(`no pageSize and pageSize=0 each gave ${expected} rows${expected < DEFAULT_PAGE_SIZE ? ` (all the list has)` : ''}`);
    }),
};

const pageSizeClamp: ContractAudit = {
  name: 'list.page-size-clamp',
  level: 'MUST',
  rule: `a pageSize above ${MAX_PAGE_SIZE} is lowered to ${MAX_PAGE_SIZE}, not refused`,
  run: (context) =>
    readingPages(async () => {
      const walk = await context.fullWalk();
      const expected = Math.min(MAX_PAGE_SIZE, walk.rows.length);
      for (const size of [MAX_PAGE_SIZE + 1, 5000]) {
        const response = await context.http.get(context.listPath, { pageSize: size });
        if (response.status !== 200) return fail(`pageSize=${size}: ${describeResponse(response)}; a larger page size is lowered, not refused`);
        const page = context.parsePage(response);
        if (page.rows.length !== expected) return fail(`pageSize=${size} gave ${count(page.rows.length)} rows, not ${expected}`);
      }
      if (walk.rows.length <= MAX_PAGE_SIZE) return pass(`pageSize=${MAX_PAGE_SIZE + 1} and 5000 were accepted; the list has only ${walk.rows.length} rows, so their lowering to ${MAX_PAGE_SIZE} is not seen`);
      return pass(`pageSize=${MAX_PAGE_SIZE + 1} and 5000 each gave ${MAX_PAGE_SIZE} rows`);
    }),
};

const pageSizeNegative: ContractAudit = {
  name: 'list.page-size-negative',
  level: 'MUST',
  rule: 'a negative pageSize is a 400 problem naming pageSize',
  async run(context) {
    for (const size of [-1, -100]) {
      const mismatch = problemMismatch(await context.http.get(context.listPath, { pageSize: size }), { status: 400, fields: ['pageSize'] });
      if (mismatch) return fail(`pageSize=${size}: ${mismatch}`);
    }
    return pass('pageSize=-1 and -100: each a 400 problem+json naming pageSize');
  },
};

/** A token the service issued, from a first page of 2 rows, with the page's rows. */
async function issuedToken(context: AuditContext, query: Record<string, string> = {}): Promise<{ token: string; rows: ListedRow[] }> {
  const page = await context.listPage({ ...query, pageSize: 2 });
  if (!page.nextPageToken) throw new Error(`a first page of 2 ${context.resource} has no nextPageToken: the audit needs a list of at least 3 rows`);
  return { token: page.nextPageToken, rows: page.rows };
}

/** The token with one character in its middle changed (a separator left alone). */
function tampered(token: string): string {
  let index = Math.floor(token.length / 2);
  while (/[^A-Za-z0-9_\-+/]/.test(token[index] ?? '') && index < token.length - 1) index++;
  const replacement = token[index] === 'A' ? 'B' : 'A';
  return `${token.slice(0, index)}${replacement}${token.slice(index + 1)}`;
}

const pageTokenForged: ContractAudit = {
  name: 'list.page-token-forged',
  level: 'MUST',
  rule: 'a page token the service did not issue (forged, tampered, truncated) is a 400 problem naming pageToken',
  run: (context) =>
    readingPages(async () => {
      const { token, rows } = await issuedToken(context);
      const plausible = Buffer.from(JSON.stringify({ updatedAt: rows[0]!.updatedAt, id: rows[0]!.id })).toString('base64url');
      const cases: Array<[string, string]> = [
        ['a made-up token', `not-a-token-${context.runTag}`],
        ['an unsigned cursor of a real row', plausible],
        ['an issued token with one character changed', tampered(token)],
        ['an issued token cut short', token.slice(0, Math.max(1, token.length - 4))],
      ];
      for (const [label, pageToken] of cases) {
        const mismatch = problemMismatch(await context.http.get(context.listPath, { pageSize: 2, pageToken }), { status: 400, fields: ['pageToken'] });
        if (mismatch) return fail(`${label}: ${mismatch}`);
      }
      return pass(`${cases.map(([label]) => label).join(', ')}: each a 400 problem+json naming pageToken`);
    }),
};

const pageTokenRetargeted: ContractAudit = {
  name: 'list.page-token-retargeted',
  level: 'MUST',
  rule: 'a page token used with other filters than it was issued for is a 400 problem naming pageToken',
  run: (context) =>
    readingPages(async () => {
      const plain = await issuedToken(context);
      const since = plain.rows[0]!.updatedAt;
      const filtered = await issuedToken(context, { updatedSince: since });
      const cases: Array<[string, Record<string, string>]> = [
        [`a token of the unfiltered list, with updatedSince=${since}`, { pageToken: plain.token, updatedSince: since }],
        [`a token issued with updatedSince, without it`, { pageToken: filtered.token }],
      ];
      for (const [label, query] of cases) {
        const mismatch = problemMismatch(await context.http.get(context.listPath, { ...query, pageSize: 2 }), { status: 400, fields: ['pageToken'] });
        if (mismatch) return fail(`${label}: ${mismatch}`);
      }
      return pass('a token with a filter added, and one with its filter dropped: each a 400 problem+json naming pageToken');
    }),
};

const updatedSinceInclusive: ContractAudit = {
  name: 'list.updated-since-inclusive',
  level: 'MUST',
  rule: 'updatedSince is inclusive: rows updated exactly then come, none updated before',
  run: (context) =>
    readingPages(async () => {
      const walk = await context.fullWalk();
      if (!walk.rows.length) return fail('the list has no rows to read incrementally');
      let boundary = Math.floor(walk.rows.length / 2);
      while (boundary > 0 && walk.rows[boundary - 1]!.version === walk.rows[boundary]!.version) boundary--;
      const at = walk.rows[boundary]!;
      const since = walk.rows.filter((row) => row.version >= at.version);
      const page = await context.listPage({ updatedSince: at.updatedAt, pageSize: MAX_PAGE_SIZE });
      const got = new Set(page.rows.map((row) => row.id));
      const early = page.rows.find((row) => row.version < at.version);
      if (early) return fail(`updatedSince=${at.updatedAt} gave ${short(early.id)}, updated earlier at ${early.updatedAt}`);
      const tied = since.filter((row) => row.version === at.version).slice(0, MAX_PAGE_SIZE);
      const left = tied.find((row) => !got.has(row.id));
      if (left) return fail(`updatedSince=${at.updatedAt} left out ${short(left.id)}, updated exactly then: it is exclusive, not inclusive`);
      if (walk.complete && page.rows.length !== Math.min(since.length, MAX_PAGE_SIZE)) {
        return fail(`updatedSince=${at.updatedAt} gave ${count(page.rows.length)} rows on its first page; the list has ${count(since.length)} updated at or after then`);
      }
      return pass(`updatedSince=${at.updatedAt} gave the ${tied.length} row(s) updated exactly then and none before`);
    }),
};

const updatedSinceInvalid: ContractAudit = {
  name: 'list.updated-since-invalid',
  level: 'MUST',
  rule: 'an updatedSince that is not an instant is a 400 problem naming updatedSince',
  async run(context) {
    for (const value of ['yesterday', '2026-13-45T00:00:00Z']) {
      const mismatch = problemMismatch(await context.http.get(context.listPath, { updatedSince: value }), { status: 400, fields: ['updatedSince'] });
      if (mismatch) return fail(`updatedSince=${value}: ${mismatch}`);
    }
    return pass('updatedSince=yesterday and 2026-13-45T00:00:00Z: each a 400 problem+json naming updatedSince');
  },
};

const getOne: ContractAudit = {
  name: 'get.one',
  level: 'MAY',
  rule: 'GET /v1/{rs}/{id}, where offered, answers the resource, and an unknown id is a 404 problem',
  async run(context) {
    const documented = (await context.openApi())?.document.paths?.[`${context.listPath}/{id}`]?.get !== undefined;
    const [id] = await context.knownIds();
    const found = await context.http.get(`${context.listPath}/${encodeURIComponent(id!)}`);
    if (found.status === 404 && !documented) return pass(`not offered: GET ${context.listPath}/{id} is not in the OpenAPI document and answers 404`);
    if (found.status !== 200 || (found.json as { id?: unknown } | undefined)?.id !== id) return fail(`an id the list has: ${describeResponse(found)}`);
    const [unknown] = context.unknownIds(1, 2000);
    const mismatch = problemMismatch(await context.http.get(`${context.listPath}/${unknown}`), { status: 404 });
    if (mismatch) return fail(`an unknown id: ${mismatch}`);
    return pass('an existing id answers its resource, an unknown one a 404 problem+json');
  },
};

export const LIST_AUDITS: readonly ContractAudit[] = [
  shape,
  walkOnce,
  order,
  lastPage,
  noEmptyLastPage,
  pageSizeDefault,
  pageSizeClamp,
  pageSizeNegative,
  pageTokenForged,
  pageTokenRetargeted,
  updatedSinceInclusive,
  updatedSinceInvalid,
  getOne,
];
