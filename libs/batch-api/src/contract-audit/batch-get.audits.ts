import { MAX_BATCH_SIZE } from '@tributary/contracts';
import type { AuditContext } from './audit-context.js';
import { describeResponse, problemMismatch, shorten } from './audit-http.js';
import { fail, pass, type AuditVerdict, type ContractAudit } from './contract-audit.types.js';

type Entry = Record<string, unknown> & { id?: unknown; error?: { code?: unknown } };

/** A batchGet's results, or why the answer is not `200 {"results": [...]}`. */
async function batchGet(context: AuditContext, ids: readonly string[]): Promise<{ results: Entry[] } | { failure: string }> {
  const response = await context.http.post(context.batchGetPath, { ids });
  if (response.status !== 200) return { failure: describeResponse(response) };
  const results = (response.json as { results?: unknown } | undefined)?.results;
  if (!Array.isArray(results)) return { failure: `${response.method} ${response.path} answered 200 without a "results" array` };
  if (results.some((entry) => entry === null || typeof entry !== 'object')) return { failure: 'a result is not an object' };
  return { results: results as Entry[] };
}

const short = (id: string) => shorten(id, 40);
const isNotFound = (entry: Entry) => entry.error !== null && typeof entry.error === 'object' && entry.error.code === 'NOT_FOUND';

/** Distinct known ids, then `unknown` of ours in between, as a shuffled request. */
async function mixedIds(context: AuditContext, known: number, unknown: number): Promise<{ ids: string[]; found: string[]; missing: string[] }> {
  const found = (await context.knownIds()).slice(0, known).reverse();
  const missing = context.unknownIds(unknown);
  const ids = [...found];
  missing.forEach((id, index) => ids.splice(Math.min(ids.length, 1 + index * 2), 0, id));
  return { ids, found, missing };
}

const order: ContractAudit = {
  name: 'batch-get.order',
  level: 'MUST',
  rule: 'batchGet answers exactly one entry per requested id, in the requested order',
  async run(context) {
    const { ids } = await mixedIds(context, 12, 2);
    const answer = await batchGet(context, ids);
    if ('failure' in answer) return fail(answer.failure);
    const { results } = answer;
    if (results.length !== ids.length) return fail(`asked for ${ids.length} ids, got ${results.length} entries`);
    const wrong = results.findIndex((entry, index) => entry.id !== ids[index]);
    if (wrong >= 0) return fail(`entry ${wrong} is for ${short(String(results[wrong]!.id))} where ${short(ids[wrong]!)} was asked: the results follow another order than the ids`);
    return pass(`${ids.length} ids in another order than the list's (2 unknown) came back one entry each, in that order`);
  },
};

const duplicates: ContractAudit = {
  name: 'batch-get.duplicates',
  level: 'MUST',
  rule: 'an id asked several times is answered as many times',
  async run(context) {
    const [a, b] = await context.knownIds();
    const [unknown] = context.unknownIds(1);
    const ids = [a!, b!, a!, unknown!, a!, unknown!];
    const answer = await batchGet(context, ids);
    if ('failure' in answer) return fail(answer.failure);
    for (const id of new Set(ids)) {
      const asked = ids.filter((item) => item === id).length;
      const answered = answer.results.filter((entry) => entry.id === id).length;
      if (answered !== asked) return fail(`${short(id)} was asked ${asked} times and answered ${answered} times`);
    }
    return pass('an id asked 3 times and an unknown one asked twice were answered as often');
  },
};

const notFound: ContractAudit = {
  name: 'batch-get.not-found',
  level: 'MUST',
  rule: 'an unknown id is a NOT_FOUND entry and the rest of the batch still succeeds',
  async run(context) {
    const { ids, found, missing } = await mixedIds(context, 3, 2);
    const answer = await batchGet(context, ids);
    if ('failure' in answer) return fail(`a batch with ${missing.length} unknown ids failed as a whole: ${answer.failure}`);
    for (const id of missing) {
      const entry = answer.results.find((candidate) => candidate.id === id);
      if (!entry) return fail(`the unknown id ${short(id)} has no entry`);
      if (!isNotFound(entry)) return fail(`the entry of the unknown id ${short(id)} is ${shorten(JSON.stringify(entry), 100)}, not {"id": …, "error": {"code": "NOT_FOUND"}}`);
    }
    for (const id of found) {
      const entry = answer.results.find((candidate) => candidate.id === id);
      if (!entry) return fail(`the existing id ${short(id)} has no entry beside unknown ones`);
      if (entry.error !== undefined) return fail(`the existing id ${short(id)} came back as an error beside unknown ones: ${shorten(JSON.stringify(entry.error), 100)}`);
    }
    return pass(`${missing.length} unknown ids were NOT_FOUND entries, and the ${found.length} others were found`);
  },
};

const entryShape: ContractAudit = {
  name: 'batch-get.entry-shape',
  level: 'MUST',
  rule: 'a found entry is {"id": …, "<resource>": {…}} with the resource under its singular name',
  async run(context) {
    const ids = (await context.knownIds()).slice(0, 5);
    const answer = await batchGet(context, ids);
    if ('failure' in answer) return fail(answer.failure);
    for (const entry of answer.results) {
      const resource = entry[context.resourceKey] as { id?: unknown } | undefined;
      if (resource === null || typeof resource !== 'object') {
        const members = Object.keys(entry).filter((key) => key !== 'id');
        return fail(`the entry of ${short(String(entry.id))} has no "${context.resourceKey}" object (its members: ${members.join(', ') || 'none'}); pass --resource-key if the resource has another name`);
      }
      if (resource.id !== entry.id) return fail(`the entry of ${short(String(entry.id))} carries ${context.resourceKey} ${short(String(resource.id))}`);
    }
    return pass(`each entry carries its ${context.resourceKey} under "${context.resourceKey}", with the id asked`);
  },
};

/** `count` distinct ids: the known ones first, then unknown ones of ours. */
async function distinctIds(context: AuditContext, count: number): Promise<string[]> {
  const known = (await context.knownIds()).slice(0, count);
  return [...known, ...context.unknownIds(count - known.length, 1000)];
}

const limit: ContractAudit = {
  name: 'batch-get.limit',
  level: 'MUST',
  rule: `batchGet takes up to ${MAX_BATCH_SIZE} ids`,
  async run(context) {
    const ids = await distinctIds(context, MAX_BATCH_SIZE);
    const answer = await batchGet(context, ids);
    if ('failure' in answer) return fail(`${MAX_BATCH_SIZE} ids were not answered: ${answer.failure}`);
    if (answer.results.length !== MAX_BATCH_SIZE) return fail(`${MAX_BATCH_SIZE} ids got ${answer.results.length} entries`);
    return pass(`${MAX_BATCH_SIZE} ids got ${MAX_BATCH_SIZE} entries`);
  },
};

const overLimit: ContractAudit = {
  name: 'batch-get.over-limit',
  level: 'MUST',
  rule: `more than ${MAX_BATCH_SIZE} ids is a 400 problem naming ids`,
  async run(context) {
    const ids = await distinctIds(context, MAX_BATCH_SIZE + 1);
    const response = await context.http.post(context.batchGetPath, { ids });
    const mismatch = problemMismatch(response, { status: 400, fields: ['ids'] });
    if (mismatch) return fail(`${MAX_BATCH_SIZE + 1} ids: ${mismatch}`);
    return pass(`${MAX_BATCH_SIZE + 1} ids: 400 problem+json naming ids`);
  },
};

const MALFORMED: Array<{ label: string; body: unknown; fields: string[] }> = [
  { label: 'no ids', body: {}, fields: ['ids'] },
  { label: 'ids: []', body: { ids: [] }, fields: ['ids'] },
  { label: 'ids: "x"', body: { ids: 'x' }, fields: ['ids'] },
  { label: 'ids: [42]', body: { ids: [42] }, fields: ['ids'] },
  { label: 'ids: [""]', body: { ids: [''] }, fields: ['ids'] },
  { label: 'a body that is not JSON', body: '{"ids": [', fields: [] },
];

const malformed: ContractAudit = {
  name: 'batch-get.malformed',
  level: 'MUST',
  rule: 'a malformed batchGet is a 400 problem naming ids',
  async run(context): Promise<AuditVerdict> {
    for (const { label, body, fields } of MALFORMED) {
      const mismatch = problemMismatch(await context.http.post(context.batchGetPath, body), { status: 400, fields });
      if (mismatch) return fail(`${label}: ${mismatch}`);
    }
    return pass(`${MALFORMED.map((c) => c.label).join(', ')}: each a 400 problem+json, naming ids where the body was JSON`);
  },
};

export const BATCH_GET_AUDITS: readonly ContractAudit[] = [order, duplicates, notFound, entryShape, limit, overLimit, malformed];
