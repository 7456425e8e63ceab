import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { MAX_BATCH_SIZE, type ProblemCode } from '@tributary/contracts';

/** A request a fake service received. */
export interface FakeRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

/** What a fake answers: JSON by default, or a raw body (to send what a broken service would). */
export interface FakeAnswer {
  status?: number;
  body?: unknown;
  raw?: string;
  contentType?: string;
}

type Handler = (request: FakeRequest) => FakeAnswer | Promise<FakeAnswer>;

/** A problem+json answer of the batch contract. */
export function problemAnswer(status: number, code: ProblemCode | string, detail: string, errors?: Array<{ field: string; message: string }>): FakeAnswer {
  return { status, contentType: 'application/problem+json', body: { type: 'about:blank', title: 'Problem', status, detail, code, ...(errors ? { errors } : {}) } };
}

interface Versioned {
  id: string;
  updatedAt: string;
}

/**
 * A stand-in for one service of the batch contract, over real HTTP on loopback: the
 * middle tier of tests boots the gateway against these, so that a resolver, a loader
 * or a report is tested without three seeded services, and with the answers a real
 * service rarely gives (a 4xx problem, a body that is not JSON). Every request is
 * recorded in `calls`.
 */
export class FakeService {
  readonly calls: FakeRequest[] = [];
  private readonly routes: Array<{ method: string; path: string; handler: Handler }> = [];

  private constructor(
    readonly name: string,
    private readonly server: Server,
  ) {}

  static async start(name: string): Promise<FakeService> {
    const server = createServer();
    const fake = new FakeService(name, server);
    server.on('request', (req, res) => void fake.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return fake;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Answers `method path` (no query) with `handler`; a later route for the same path wins. */
  on(method: string, path: string, handler: Handler | FakeAnswer): this {
    this.routes.unshift({ method, path, handler: typeof handler === 'function' ? handler : () => handler });
    return this;
  }

  /**
   * Serves the batch contract's reads of one resource from rows in memory:
   * `POST /v1/{rs}:batchGet`, `GET /v1/{rs}` (pages in (updatedAt, id) order; the token
   * is the offset, which is all a fake needs) and `GET /v1/{rs}/{id}`.
   */
  serveResource<T extends Versioned>(collection: string, resource: string, rows: readonly T[]): this {
    const byId = new Map(rows.map((row) => [row.id, row]));
    const ordered = [...rows].sort((a, b) => (a.updatedAt < b.updatedAt ? -1 : a.updatedAt > b.updatedAt ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    this.on('POST', `/v1/${collection}:batchGet`, ({ body }) => ({
      body: {
        results: (body as { ids: string[] }).ids.map((id) =>
          byId.has(id) ? { id, [resource]: byId.get(id) } : { id, error: { code: 'NOT_FOUND', message: `${resource} ${id} does not exist` } },
        ),
      },
    }));
    this.on('GET', `/v1/${collection}`, ({ query }) => {
      const size = Math.min(Number(query.get('pageSize') ?? 100) || 100, MAX_BATCH_SIZE);
      const from = Number(query.get('pageToken') ?? 0);
      const end = from + size;
      return { body: { [collection]: ordered.slice(from, end), ...(end < ordered.length ? { nextPageToken: String(end) } : {}) } };
    });
    for (const row of rows) this.on('GET', `/v1/${collection}/${row.id}`, { body: row });
    return this;
  }

  /** Forgets the calls so far. */
  resetCalls(): void {
    this.calls.length = 0;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://fake');
    const request: FakeRequest = { method: req.method ?? 'GET', path: url.pathname, query: url.searchParams, body: text ? JSON.parse(text) : undefined };
    this.calls.push(request);
    const route = this.routes.find((r) => r.method === request.method && r.path === request.path);
    const answer = route ? await route.handler(request) : problemAnswer(404, 'NOT_FOUND', `the fake ${this.name} has no route for ${request.method} ${request.path}`);
    res.statusCode = answer.status ?? 200;
    res.setHeader('content-type', answer.contentType ?? 'application/json');
    res.end(answer.raw ?? JSON.stringify(answer.body ?? null));
  }
}

/** One fake per service name. */
export async function startFakeServices<N extends string>(names: readonly N[]): Promise<Record<N, FakeService> & { closeAll(): Promise<void> }> {
  const fakes = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await FakeService.start(name)] as const))) as Record<N, FakeService>;
  return Object.assign(fakes, { closeAll: () => Promise.all(names.map((name) => fakes[name].close())).then(() => undefined) });
}
