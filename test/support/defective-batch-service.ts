import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The mistakes a hand-written batch service makes, one switch each. With none on,
 * DefectiveBatchService keeps the whole contract; the contract audit must catch each.
 */
export const DEFECTS = [
  // batchGet
  'results-sorted-by-id',
  'positional-results',
  'duplicates-answered-once',
  'unknown-id-fails-batch',
  'entries-under-data',
  'no-batch-limit',
  'batch-limit-500',
  'malformed-batch-500',
  // lists
  'list-as-text-plain',
  'cursor-skips-ties',
  'list-ordered-by-id',
  'default-page-size-50',
  'page-size-not-clamped',
  'large-page-size-refused',
  'negative-page-size-accepted',
  'forged-token-500',
  'token-not-bound-to-filters',
  'updated-since-exclusive',
  'invalid-updated-since-ignored',
  'token-on-every-page',
  'full-last-page-has-token',
  'get-one-500-for-unknown',
  // errors
  'first-invalid-field-only',
  'problem-without-status',
  'html-404',
  'no-body-limit',
  // documents
  'no-openapi',
  'no-docs-page',
  'no-export',
  // incremental reads
  'late-commit-stamps',
  'walk-frozen-at-first-page',
] as const;

export type Defect = (typeof DEFECTS)[number];

interface Widget {
  id: string;
  name: string;
  sku: string;
  updatedAt: string;
}

const DEFAULT_PAGE_SIZE = 100;
const MAX_PAGE_SIZE = 1000;
const MAX_BATCH = 1000;
const BODY_LIMIT = 64 * 1024;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?(Z|[+-]\d{2}:\d{2})$/;
const SECRET = 'defective-batch-service-secret';

interface Answer {
  status: number;
  body?: unknown;
  /** Sent as it is, with this content type. */
  raw?: { text: string; contentType: string };
  problem?: boolean;
}

class Refusal extends Error {
  constructor(readonly answer: Answer) {
    super('refused');
  }
}

const sign = (body: string) => createHmac('sha256', SECRET).update(body).digest('base64url');
const byVersion = (a: Widget, b: Widget) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * A batch service of `widgets` over node:http, written from DESIGN.md without the
 * project's libraries: batchGet, keyset lists with signed page tokens bound to their
 * filters, get one, create and change (for `--allow-writes`), problem+json errors, a
 * body limit, OpenAPI and docs. Each defect turned on breaks one rule as a real service
 * would. Rows are in memory, three to a timestamp, so that ties in updatedAt are common.
 */
export class DefectiveBatchService {
  /** The rows created or changed, as `POST id` / `PATCH id`. */
  readonly writes: string[] = [];
  private readonly rows: Widget[];
  private lastStamp = 0;

  private constructor(
    private readonly server: Server,
    private readonly defects: ReadonlySet<Defect>,
    rowCount: number,
  ) {
    const start = Date.parse('2025-01-01T00:00:00.000Z');
    this.rows = Array.from({ length: rowCount }, (_, index) => ({
      // Ids in the reverse of time order within a timestamp, so an order by id alone differs from (updatedAt, id).
      id: `w-${String(rowCount - index).padStart(6, '0')}`,
      name: `Widget ${index}`,
      sku: `SKU-${index}`,
      updatedAt: new Date(start + Math.floor(index / 3) * 1000).toISOString(),
    })).sort(byVersion);
  }

  static async start(options: { defects?: readonly Defect[]; rows?: number } = {}): Promise<DefectiveBatchService> {
    const server = createServer();
    const service = new DefectiveBatchService(server, new Set(options.defects ?? []), options.rows ?? 1200);
    server.on('request', (request, response) => void service.handle(request, response));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return service;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private has(defect: Defect): boolean {
    return this.defects.has(defect);
  }

  private problem(status: number, detail: string, errors: Array<{ field: string; message: string }> = []): Answer {
    const shown = this.has('first-invalid-field-only') ? errors.slice(0, 1) : errors;
    const titles: Record<number, string> = { 400: 'Bad Request', 404: 'Not Found', 409: 'Conflict', 413: 'Content Too Large' };
    const document = this.has('problem-without-status') ? { detail, errors: shown } : { type: 'about:blank', title: titles[status] ?? 'Error', status, detail, ...(shown.length ? { errors: shown } : {}) };
    return { status, body: document, problem: true };
  }

  private refuse(status: number, detail: string, errors?: Array<{ field: string; message: string }>): never {
    throw new Refusal(this.problem(status, detail, errors));
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    let answer: Answer;
    try {
      answer = await this.route(request);
    } catch (error) {
      answer = error instanceof Refusal ? error.answer : { status: 500, raw: { text: 'Internal Server Error', contentType: 'text/html' } };
    }
    const text = answer.raw?.text ?? (answer.body === undefined ? '' : JSON.stringify(answer.body));
    const contentType = answer.raw?.contentType ?? (answer.problem ? 'application/problem+json' : 'application/json');
    response.writeHead(answer.status, { 'content-type': `${contentType}; charset=utf-8` }).end(text);
  }

  private async readBody(request: IncomingMessage): Promise<unknown> {
    const declared = Number(request.headers['content-length'] ?? 0);
    if (declared > BODY_LIMIT && !this.has('no-body-limit')) {
      request.resume();
      this.refuse(413, `the request body is larger than the limit of ${BODY_LIMIT} bytes`, [{ field: 'body', message: `at most ${BODY_LIMIT} bytes` }]);
    }
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    try {
      return JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null');
    } catch {
      return this.refuse(400, 'the request body is not valid JSON', [{ field: 'body', message: 'not valid JSON' }]);
    }
  }

  private async route(request: IncomingMessage): Promise<Answer> {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const method = request.method ?? 'GET';
    const path = url.pathname;
    if (method === 'GET' && path === '/openapi.json' && !this.has('no-openapi')) return { status: 200, body: this.openApi() };
    if (method === 'GET' && path === '/docs' && !this.has('no-docs-page')) return { status: 200, raw: { text: '<!doctype html><title>Widgets</title>', contentType: 'text/html' } };
    if (method === 'POST' && path === '/v1/widgets:batchGet') return this.batchGet(await this.readBody(request));
    if (method === 'GET' && path === '/v1/widgets') return this.list(url.searchParams);
    if (method === 'POST' && path === '/v1/widgets') return this.create(await this.readBody(request));
    const one = /^\/v1\/widgets\/([^/]+)$/.exec(path);
    if (one && method === 'GET') return this.getOne(decodeURIComponent(one[1]!));
    if (one && method === 'PATCH') return this.change(decodeURIComponent(one[1]!), await this.readBody(request));
    if (method === 'GET' && /^\/v1\/operations\/[^/]+$/.test(path) && !this.has('no-export')) return this.problem(404, 'no such operation');
    if (this.has('html-404')) return { status: 404, raw: { text: `<pre>Cannot ${method} ${path}</pre>`, contentType: 'text/html' } };
    return this.problem(404, `no route ${method} ${path}`);
  }

  private batchGet(body: unknown): Answer {
    const ids = (body as { ids?: unknown } | null)?.ids;
    if (!Array.isArray(ids)) {
      if (this.has('malformed-batch-500')) throw new TypeError('ids.map is not a function');
      this.refuse(400, 'ids must be an array of 1 to 1000 ids', [{ field: 'ids', message: 'ids must be an array' }]);
    }
    const limit = this.has('batch-limit-500') ? 500 : MAX_BATCH;
    if (ids.length < 1 || (ids.length > limit && !this.has('no-batch-limit'))) this.refuse(400, `ids must hold 1 to ${limit} ids`, [{ field: 'ids', message: `1 to ${limit} ids` }]);
    const bad = ids.findIndex((id) => typeof id !== 'string' || id === '' || id.length > 64);
    if (bad >= 0) this.refuse(400, `ids[${bad}] is not an id`, [{ field: `ids[${bad}]`, message: 'an id is a string of 1 to 64 characters' }]);
    const byId = new Map(this.rows.map((row) => [row.id, row]));
    const wanted = ids as string[];
    if (this.has('unknown-id-fails-batch')) {
      const unknown = wanted.find((id) => !byId.has(id));
      if (unknown) this.refuse(404, `widget ${unknown} does not exist`);
    }
    if (this.has('positional-results')) {
      // The rows found, in storage order: what SELECT … WHERE id IN (…) gives.
      const wantedSet = new Set(wanted);
      return { status: 200, body: { results: this.rows.filter((row) => wantedSet.has(row.id)).map((row) => ({ id: row.id, widget: row })) } };
    }
    let asked = this.has('duplicates-answered-once') ? [...new Set(wanted)] : wanted;
    if (this.has('results-sorted-by-id')) asked = [...asked].sort();
    const results = asked.map((id) => {
      const row = byId.get(id);
      if (!row) return { id, error: { code: 'NOT_FOUND', message: `widget ${id} does not exist` } };
      return this.has('entries-under-data') ? { id, data: row } : { id, widget: row };
    });
    return { status: 200, body: { results } };
  }

  private list(query: URLSearchParams): Answer {
    const violations: Array<{ field: string; message: string }> = [];
    const unknown = [...query.keys()].filter((key) => !['pageSize', 'pageToken', 'updatedSince'].includes(key));
    for (const key of unknown) violations.push({ field: key, message: `${key} is not a parameter of this list` });
    const rawSize = query.get('pageSize');
    let pageSize = DEFAULT_PAGE_SIZE;
    if (rawSize !== null) {
      const parsed = Number(rawSize);
      if (!/^-?\d+$/.test(rawSize)) violations.push({ field: 'pageSize', message: 'pageSize must be an integer' });
      else if (parsed < 0 && !this.has('negative-page-size-accepted')) violations.push({ field: 'pageSize', message: 'pageSize must not be negative' });
      else if (parsed > MAX_PAGE_SIZE && this.has('large-page-size-refused')) violations.push({ field: 'pageSize', message: `pageSize must be at most ${MAX_PAGE_SIZE}` });
      else if (parsed > 0) pageSize = this.has('page-size-not-clamped') ? parsed : Math.min(parsed, MAX_PAGE_SIZE);
    }
    if (rawSize === null || rawSize === '0') pageSize = this.has('default-page-size-50') ? 50 : DEFAULT_PAGE_SIZE;
    const updatedSince = query.get('updatedSince') ?? undefined;
    const sinceValid = updatedSince === undefined || (INSTANT.test(updatedSince) && !Number.isNaN(Date.parse(updatedSince)));
    if (!sinceValid && !this.has('invalid-updated-since-ignored')) violations.push({ field: 'updatedSince', message: 'updatedSince must be an ISO-8601 instant' });
    if (violations.length) this.refuse(400, violations.map((v) => v.message).join('; '), violations);
    const since = sinceValid && updatedSince !== undefined ? new Date(updatedSince).toISOString() : undefined;
    const filters = since ?? '';

    let cursor: { u: string; i: string; h?: string } | undefined;
    const token = query.get('pageToken');
    if (token !== null) cursor = this.decodeToken(token, filters);
    // The horizon of a frozen walk: what the first page saw, carried by the token.
    const horizon = this.has('walk-frozen-at-first-page') ? (cursor?.h ?? new Date().toISOString()) : undefined;

    const ordered = this.has('list-ordered-by-id') ? [...this.rows].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)) : this.rows;
    const after = (row: Widget) => {
      if (!cursor) return true;
      if (this.has('list-ordered-by-id')) return row.id > cursor.i;
      if (this.has('cursor-skips-ties')) return row.updatedAt > cursor.u;
      return row.updatedAt > cursor.u || (row.updatedAt === cursor.u && row.id > cursor.i);
    };
    const matching = ordered.filter(
      (row) => (since === undefined || (this.has('updated-since-exclusive') ? row.updatedAt > since : row.updatedAt >= since)) && (horizon === undefined || row.updatedAt <= horizon) && after(row),
    );
    const take = this.has('full-last-page-has-token') ? pageSize : pageSize + 1;
    const page = matching.slice(0, pageSize);
    const last = page.at(-1);
    const more = matching.slice(0, take).length >= take;
    const nextPageToken = this.has('token-on-every-page')
      ? this.encodeToken(last ? { u: last.updatedAt, i: last.id } : (cursor ?? { u: '0000', i: '' }), filters)
      : more && last
        ? this.encodeToken({ u: last.updatedAt, i: last.id, ...(horizon ? { h: horizon } : {}) }, filters)
        : undefined;
    const body = { widgets: page, ...(nextPageToken ? { nextPageToken } : {}) };
    if (this.has('list-as-text-plain')) return { status: 200, raw: { text: JSON.stringify(body), contentType: 'text/plain' } };
    return { status: 200, body };
  }

  private encodeToken(cursor: { u: string; i: string; h?: string }, filters: string): string {
    const body = Buffer.from(JSON.stringify({ ...cursor, f: this.has('token-not-bound-to-filters') ? '' : filters })).toString('base64url');
    return `${body}.${sign(body)}`;
  }

  private decodeToken(token: string, filters: string): { u: string; i: string; h?: string } {
    const [body, signature] = token.split('.');
    const refuse = (message: string) => this.refuse(400, message, [{ field: 'pageToken', message }]);
    if (this.has('forged-token-500')) {
      // Trusts the token: JSON.parse of whatever came throws on a forged one, and the 500 follows.
      return JSON.parse(Buffer.from(body ?? '', 'base64url').toString('utf8')) as { u: string; i: string };
    }
    if (!body || !signature || sign(body) !== signature) return refuse('pageToken is not a token this service issued');
    const decoded = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as { u: string; i: string; h?: string; f: string };
    if (!this.has('token-not-bound-to-filters') && decoded.f !== filters) return refuse('pageToken was issued for other filters');
    return decoded;
  }

  private getOne(id: string): Answer {
    const row = this.rows.find((candidate) => candidate.id === id);
    if (row) return { status: 200, body: row };
    if (this.has('get-one-500-for-unknown')) throw new TypeError("Cannot read properties of undefined (reading 'id')");
    return this.problem(404, `widget ${id} does not exist`);
  }

  /** Stamps a write: the clock, moved on past every stamp given so that versions never repeat. */
  private stamp(): string {
    if (this.has('late-commit-stamps')) {
      // Each write stamped a second before the one before it, as a transaction that commits late would be.
      this.lastStamp = (this.lastStamp || Date.now()) - 1000;
      return new Date(this.lastStamp).toISOString();
    }
    this.lastStamp = Math.max(Date.now(), this.lastStamp + 1);
    return new Date(this.lastStamp).toISOString();
  }

  private validInput(body: unknown, partial: boolean): { name?: string; sku?: string } {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) this.refuse(400, 'the body is a JSON object', [{ field: 'body', message: 'a JSON object' }]);
    const input = body as Record<string, unknown>;
    const violations = Object.keys(input)
      .filter((key) => !['name', 'sku'].includes(key))
      .map((key) => ({ field: key, message: `${key} should not exist` }));
    for (const key of ['name', 'sku']) {
      if (input[key] === undefined && partial) continue;
      if (typeof input[key] !== 'string' || input[key] === '') violations.push({ field: key, message: `${key} is a non-empty string` });
    }
    if (violations.length) this.refuse(400, violations.map((v) => v.message).join('; '), violations);
    return input as { name?: string; sku?: string };
  }

  private create(body: unknown): Answer {
    const input = this.validInput(body, false);
    if (this.rows.some((row) => row.sku === input.sku)) this.refuse(409, `sku ${input.sku} belongs to another widget`, [{ field: 'sku', message: 'taken' }]);
    const row: Widget = { id: `x-${String(this.rows.length).padStart(6, '0')}`, name: input.name!, sku: input.sku!, updatedAt: this.stamp() };
    this.rows.push(row);
    this.rows.sort(byVersion);
    this.writes.push(`POST ${row.id}`);
    return { status: 201, body: row };
  }

  private change(id: string, body: unknown): Answer {
    const input = this.validInput(body, true);
    const row = this.rows.find((candidate) => candidate.id === id);
    if (!row) return this.problem(404, `widget ${id} does not exist`);
    Object.assign(row, input, { updatedAt: this.stamp() });
    this.rows.sort(byVersion);
    this.writes.push(`PATCH ${row.id}`);
    return { status: 200, body: row };
  }

  private openApi(): unknown {
    const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const paths: Record<string, unknown> = {
      '/v1/widgets:batchGet': { post: { requestBody: { content: { 'application/json': { schema: ref('BatchGetRequest') } } } } },
      '/v1/widgets': { get: {}, post: { requestBody: { content: { 'application/json': { schema: ref('WidgetInput') } } } } },
      '/v1/widgets/{id}': { get: {}, patch: { requestBody: { content: { 'application/json': { schema: ref('WidgetChanges') } } } } },
    };
    if (!this.has('no-export')) {
      paths['/v1/{dataset}:export'] = { post: {} };
      paths['/v1/operations/{id}'] = { get: {} };
    }
    return {
      openapi: '3.0.0',
      info: { title: 'Widgets', version: '1' },
      paths,
      components: {
        schemas: {
          BatchGetRequest: { type: 'object', properties: { ids: { type: 'array', items: { type: 'string' } } }, required: ['ids'] },
          WidgetInput: { type: 'object', properties: { name: { type: 'string' }, sku: { type: 'string', description: 'Unique across widgets.' } }, required: ['name', 'sku'] },
          WidgetChanges: { type: 'object', properties: { name: { type: 'string' } } },
        },
      },
    };
  }
}
