import { setTimeout as sleep } from 'node:timers/promises';
import { MAX_PAGE_SIZE } from '@tributary/contracts';
import type { AuditContext, ListedRow } from './audit-context.js';
import { shorten } from './audit-http.js';
import { AuditWriteError, AuditWriter, type WrittenRow } from './audit-writes.js';
import { fail, pass, type AuditVerdict, type ContractAudit } from './contract-audit.types.js';

const short = (id: string) => shorten(id, 40);
/** A walk of the audit's own rows: on a quiet service a handful of pages; on a busy one, bounded. */
const MAX_PAGES = 200;

async function writing(check: () => Promise<AuditVerdict>): Promise<AuditVerdict> {
  try {
    return await check();
  } catch (error) {
    if (error instanceof AuditWriteError) return fail(error.message);
    throw error;
  }
}

/** Follows a walk from `pageToken` (or from a first page with `query`) to its end, in pages of `pageSize`. */
async function walkOn(context: AuditContext, query: Record<string, string>, pageSize: number, pageToken?: string): Promise<ListedRow[]> {
  const rows: ListedRow[] = [];
  for (let pages = 0; pages < MAX_PAGES; pages++) {
    const page = await context.listPage({ ...query, pageSize, pageToken });
    rows.push(...page.rows);
    // A page without rows ends the walk, token or not: list.last-page judges the token.
    if (!page.nextPageToken || !page.rows.length) return rows;
    pageToken = page.nextPageToken;
  }
  throw new Error(`the walk from updatedSince=${query.updatedSince} did not end within ${MAX_PAGES} pages`);
}

const has = (rows: readonly ListedRow[], id: string, version?: number) => rows.some((row) => row.id === id && (version === undefined || row.version === version));
const earliest = (rows: readonly WrittenRow[]) => rows.reduce((first, row) => (row.version < first.version ? row : first));

/**
 * Reads until `done`, for up to the settle time: a list may show a write a moment after
 * it returned (it reads up to a safety margin behind now), never later than that.
 */
async function settled<T>(context: AuditContext, read: () => Promise<T>, done: (value: T) => boolean): Promise<{ value: T; ok: boolean }> {
  const deadline = Date.now() + context.settleMs;
  for (let pause = 10; ; pause = Math.min(2 * pause, 500)) {
    const value = await read();
    if (done(value)) return { value, ok: true };
    if (Date.now() >= deadline) return { value, ok: false };
    await sleep(pause);
  }
}

const newRows: ContractAudit = {
  name: 'incremental.new-rows',
  level: 'MUST',
  rule: 'an incremental reader that passes the largest updatedAt it read as updatedSince gets every row written since',
  writes: true,
  run: (context) =>
    writing(async () => {
      const writer = new AuditWriter(context);
      const within = `within ${context.settleMs} ms`;
      const first = await writer.create();
      const read = await settled(context, () => walkOn(context, { updatedSince: first.updatedAt }, MAX_PAGE_SIZE), (rows) => has(rows, first.id));
      if (!read.ok) return fail(`a row just created (${short(first.id)}, updatedAt ${first.updatedAt}) is not in updatedSince=${first.updatedAt} ${within}`);
      const watermark = read.value.reduce((latest, row) => (row.version > latest.version ? row : latest));
      const second = await writer.create();
      const next = await settled(context, () => walkOn(context, { updatedSince: watermark.updatedAt }, MAX_PAGE_SIZE), (rows) => has(rows, second.id));
      if (!next.ok) {
        return fail(`a row created after a read up to ${watermark.updatedAt} (${short(second.id)}, updatedAt ${second.updatedAt}) is not in updatedSince=${watermark.updatedAt} ${within}: the reader would never see it`);
      }
      return pass(`a row created after a read up to updatedAt ${watermark.updatedAt} came in the next read from there`);
    }),
};

const writeDuringWalk: ContractAudit = {
  name: 'incremental.write-during-walk',
  level: 'MUST',
  rule: 'a row written during a walk comes later in the same walk, with its new version',
  writes: true,
  run: (context) =>
    writing(async () => {
      const writer = new AuditWriter(context);
      const within = `within ${context.settleMs} ms`;
      const ours = [await writer.create(), await writer.create()];
      const query = { updatedSince: earliest(ours).updatedAt };
      const visible = await settled(context, () => walkOn(context, query, MAX_PAGE_SIZE), (rows) => ours.every((row) => has(rows, row.id)));
      if (!visible.ok) return fail(`${short(ours.find((row) => !has(visible.value, row.id))!.id)}, just created, is not in updatedSince=${query.updatedSince} ${within}`);
      const first = await context.listPage({ ...query, pageSize: 1 });
      // Two rows written within one millisecond come in id order: either may be first.
      const read = ours.find((row) => row.id === first.rows[0]?.id);
      if (!read) return fail(`the first page of 1 from updatedSince=${query.updatedSince} is not one of the 2 rows created from then on`);
      const other = ours.find((row) => row !== read)!;
      if (!first.nextPageToken) return fail(`the first page of 1 from updatedSince=${query.updatedSince} has no nextPageToken, though ${short(other.id)} comes after it`);
      const created = await writer.create();
      const changed = await writer.touch(first.rows[0]!);
      const moved = changed !== undefined && changed.version > read.version;
      // Once a new read shows the writes, the rest of the walk must show them too.
      const written = [created, ...(moved ? [changed] : [])];
      const shown = await settled(
        context,
        () => walkOn(context, { updatedSince: earliest(written).updatedAt }, MAX_PAGE_SIZE),
        (rows) => written.every((row) => has(rows, row.id, row.version)),
      );
      if (!shown.ok) return fail(`the rows written during the walk are not in updatedSince=${earliest(written).updatedAt} ${within}`);
      const rest = await walkOn(context, query, 1, first.nextPageToken);
      for (const row of [other, created]) {
        if (!has(rest, row.id)) return fail(`${short(row.id)}, ${row === other ? 'created before the walk' : 'created during the walk'}, is not in the rest of the walk`);
      }
      if (moved && !has(rest, read.id, changed.version)) {
        return fail(`${short(read.id)}, read on the first page and changed during the walk (updatedAt ${changed.updatedAt}), does not come again later in it`);
      }
      const change = changed === undefined ? '; no PATCH method is documented, so no row was changed' : moved ? ', and a row changed during it came again with its new version' : '; a PATCH with the row’s own values did not move its updatedAt';
      return pass(`a row created during a walk came later in it${change}`);
    }),
};

export const INCREMENTAL_AUDITS: readonly ContractAudit[] = [newRows, writeDuringWalk];
