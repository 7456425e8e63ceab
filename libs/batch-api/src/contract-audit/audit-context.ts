import { randomBytes } from 'node:crypto';
import { MAX_PAGE_SIZE } from '@tributary/contracts';
import { AuditHttp, describeResponse, type AuditResponse } from './audit-http.js';
import type { ContractAuditOptions } from './contract-audit.types.js';

/** A row of a list page, as the audits read it: its id and version, and the rest as sent. */
export interface ListedRow {
  id: string;
  updatedAt: string;
  /** updatedAt in epoch ms. */
  version: number;
  raw: Record<string, unknown>;
}

export interface ListPage {
  response: AuditResponse;
  rows: ListedRow[];
  nextPageToken?: string;
}

export interface Walk {
  pageSize: number;
  rows: ListedRow[];
  /** Rows per page, in order. */
  pageLengths: number[];
  /** It reached a page without nextPageToken (else it stopped at maxRows). */
  complete: boolean;
  /** What went wrong on the way, e.g. an empty page that still had a token. */
  anomaly?: string;
}

/** A list response that is not `{"<rs>": [...], "nextPageToken"?: "..."}`. */
export class ListShapeError extends Error {}

/** Page size of the walk compared with the walk in pages of MAX_PAGE_SIZE: prime, so pages never line up. */
export const SMALL_PAGE_SIZE = 97;
/** Needs no escaping in URLs and no service stores it. */
export const FAR_FUTURE = '9999-12-31T23:59:59.999Z';

/**
 * What the audits share: the service's address, the options, and facts read once
 * (the OpenAPI document, walks over the list, ids that exist), each read when an audit
 * first asks for it.
 */
export class AuditContext {
  readonly http: AuditHttp;
  readonly resource: string;
  readonly resourceKey: string;
  readonly maxRows: number;
  readonly oversizedBodyBytes: number;
  readonly settleMs: number;
  /** Unique per run: unknown ids and probe routes never collide with real ones. */
  readonly runTag = randomBytes(6).toString('hex');
  private readonly facts = new Map<string, Promise<unknown>>();
  private writes = 0;

  constructor(readonly options: ContractAuditOptions) {
    this.http = new AuditHttp(options.url, options.headers, options.timeoutMs, options.credential);
    this.resource = options.resource;
    this.resourceKey = options.resourceKey ?? singularOf(options.resource);
    this.maxRows = options.maxRows ?? 20_000;
    this.oversizedBodyBytes = options.oversizedBodyBytes ?? 16 * 1024 * 1024;
    this.settleMs = options.settleMs ?? 5000;
  }

  get listPath(): string {
    return `/v1/${this.resource}`;
  }

  get batchGetPath(): string {
    return `/v1/${this.resource}:batchGet`;
  }

  /** Reads a fact once per run; audits that need it share the answer (or the failure). */
  once<T>(key: string, read: () => Promise<T>): Promise<T> {
    let fact = this.facts.get(key) as Promise<T> | undefined;
    if (!fact) {
      fact = read();
      this.facts.set(key, fact);
    }
    return fact;
  }

  /** Numbers the rows the audit writes, so that each gets unique values. */
  nextWriteNumber(): number {
    return ++this.writes;
  }

  /**
   * `count` ids no service has: UUID-shaped (version 7 at the epoch), so id validation lets
   * them through; or the first ones of those given, for ids with a format of their own.
   */
  unknownIds(count: number, from = 0): string[] {
    const given = this.options.unknownIds;
    if (given) {
      if (given.length < count) throw new Error(`this audit needs ${count} unknown ids; ${given.length} were given`);
      return given.slice(0, count);
    }
    const tag = this.runTag;
    return Array.from({ length: count }, (_, index) => `00000000-0000-7${tag.slice(0, 3)}-8${tag.slice(3, 6)}-${tag.slice(6, 12)}${(from + index).toString(16).padStart(6, '0')}`);
  }

  async listPage(query: Readonly<Record<string, string | number | undefined>>): Promise<ListPage> {
    const response = await this.http.get(this.listPath, query);
    return { response, ...this.parsePage(response) };
  }

  /** A 200 list page's rows and token, or a ListShapeError saying what is off. */
  parsePage(response: AuditResponse): { rows: ListedRow[]; nextPageToken?: string } {
    if (response.status !== 200) throw new ListShapeError(describeResponse(response));
    const body = response.json as Record<string, unknown> | undefined;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new ListShapeError(`${response.method} ${response.path} answered 200 with a body that is not a JSON object`);
    const items = body[this.resource];
    if (!Array.isArray(items)) {
      throw new ListShapeError(`the page has no "${this.resource}" array (its members: ${Object.keys(body).join(', ') || 'none'})`);
    }
    const rows = items.map((item, index) => {
      const raw = item as Record<string, unknown>;
      if (raw === null || typeof raw !== 'object' || typeof raw.id !== 'string') throw new ListShapeError(`row ${index} of the page has no string id`);
      const version = typeof raw.updatedAt === 'string' ? Date.parse(raw.updatedAt) : Number.NaN;
      if (Number.isNaN(version)) throw new ListShapeError(`row ${raw.id} has no updatedAt instant (it has ${JSON.stringify(raw.updatedAt)})`);
      return { id: raw.id, updatedAt: raw.updatedAt as string, version, raw };
    });
    const token = body.nextPageToken;
    if (token !== undefined && (typeof token !== 'string' || token === '')) throw new ListShapeError(`nextPageToken is ${JSON.stringify(token)}: it is a non-empty string, or absent on the last page`);
    return { rows, ...(token ? { nextPageToken: token } : {}) };
  }

  /** Follows nextPageToken from a first page with `query` until a page has none, or maxRows. */
  async walk(pageSize: number, query: Readonly<Record<string, string | undefined>> = {}, maxRows = this.maxRows): Promise<Walk> {
    const walk: Walk = { pageSize, rows: [], pageLengths: [], complete: false };
    let pageToken: string | undefined;
    const seenTokens = new Set<string>();
    do {
      const page = await this.listPage({ ...query, pageSize, pageToken });
      walk.rows.push(...page.rows);
      walk.pageLengths.push(page.rows.length);
      pageToken = page.nextPageToken;
      if (pageToken === undefined) walk.complete = true;
      else if (page.rows.length === 0) {
        walk.anomaly = `page ${walk.pageLengths.length} had no rows but a nextPageToken`;
        walk.complete = true;
        break;
      } else if (seenTokens.has(pageToken)) {
        walk.anomaly = `page ${walk.pageLengths.length} gave a nextPageToken the walk had already followed`;
        break;
      }
      if (pageToken) seenTokens.add(pageToken);
    } while (pageToken !== undefined && walk.rows.length < maxRows);
    return walk;
  }

  /** The list walked in the largest pages: the reference the other list audits compare with. */
  fullWalk(): Promise<Walk> {
    return this.once('fullWalk', () => this.walk(MAX_PAGE_SIZE));
  }

  /** The same rows in small pages. */
  smallWalk(): Promise<Walk> {
    return this.once('smallWalk', () => this.walk(SMALL_PAGE_SIZE));
  }

  /** How many rows the list has, when the full walk reached its end. */
  async rowCount(): Promise<number | undefined> {
    const walk = await this.fullWalk();
    return walk.complete ? walk.rows.length : undefined;
  }

  /** Ids that exist: the given ones, or the first page's. */
  knownIds(): Promise<string[]> {
    return this.once('knownIds', async () => {
      const listed = async () => {
        try {
          return (await this.fullWalk()).rows.map((row) => row.id);
        } catch (error) {
          throw new Error(`the ids to ask for come from the list (give a file with --ids-from to test batchGet alone): ${(error as Error).message}`, { cause: error });
        }
      };
      const ids = this.options.ids ? [...new Set(this.options.ids)] : await listed();
      if (ids.length < 2) throw new Error(`the audits need at least 2 ${this.resource} that exist; ${this.options.ids ? 'the ids given have' : 'the list has'} ${ids.length}`);
      return ids.slice(0, MAX_PAGE_SIZE);
    });
  }

  /** The service's OpenAPI document and where it was found. */
  openApi(): Promise<{ path: string; document: OpenApiDocument } | undefined> {
    return this.once('openApi', async () => {
      for (const path of OPENAPI_PATHS) {
        const response = await this.http.get(path).catch(() => undefined);
        const document = response?.json as OpenApiDocument | undefined;
        if (response?.status === 200 && document && typeof document === 'object' && (typeof document.openapi === 'string' || typeof document.swagger === 'string')) {
          return { path, document };
        }
      }
      return undefined;
    });
  }
}

/** Where frameworks serve the document: NestJS (with Tributary's /openapi.json), Spring, FastAPI, Express generators. */
export const OPENAPI_PATHS = ['/openapi.json', '/docs-json', '/api-docs', '/v3/api-docs', '/swagger.json', '/openapi'];

export interface OpenApiSchema {
  $ref?: string;
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, OpenApiSchema>;
  required?: string[];
  items?: OpenApiSchema;
  enum?: unknown[];
  example?: unknown;
  default?: unknown;
  minimum?: number;
  maxLength?: number;
  readOnly?: boolean;
  allOf?: OpenApiSchema[];
}

export interface OpenApiOperation {
  requestBody?: { content?: Record<string, { schema?: OpenApiSchema }> };
}

export interface OpenApiDocument {
  openapi?: string;
  swagger?: string;
  paths?: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, OpenApiSchema> };
}

/** customers → customer, categories → category; a resource named otherwise passes its key. */
export function singularOf(plural: string): string {
  if (plural.endsWith('ies')) return `${plural.slice(0, -3)}y`;
  if (/(ss|sh|ch|x)es$/.test(plural)) return plural.slice(0, -2);
  if (plural.endsWith('s')) return plural.slice(0, -1);
  return plural;
}
