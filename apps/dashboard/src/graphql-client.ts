import type { Freshness } from './operations.js';

export interface GraphQLErrorEntry {
  message: string;
  path?: Array<string | number>;
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResponse<T> {
  data: T | null;
  errors: GraphQLErrorEntry[];
  freshness: Record<string, Freshness>;
}

/** A request that got no GraphQL answer at all: the network, a 401, a 429, a body that is not JSON. */
export class RequestFailed extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number | null,
  ) {
    super(message);
  }
}

/** Where the API key lives: this tab's session only. */
export interface KeyStore {
  get(): string | null;
}

/**
 * POSTs operations to the gateway's /graphql, as any client of the public API does,
 * with `Authorization: Bearer <key>` when a key is set. A GraphQL answer (data and/or
 * errors, whatever its status) is returned; anything else throws RequestFailed.
 */
export class GraphQLClient {
  constructor(
    private readonly endpoint: string,
    private readonly keys: KeyStore,
    /** Told of every 401, with whether a key was sent: the page asks for one. */
    private readonly onUnauthenticated: (message: string, keySent: boolean) => void,
  ) {}

  /** Headers for the gateway: the download links need them too. */
  authorization(): Record<string, string> {
    const key = this.keys.get();
    return key ? { authorization: `Bearer ${key}` } : {};
  }

  async request<T>(document: string, variables: object, signal?: AbortSignal): Promise<GraphQLResponse<T>> {
    const operationName = /^(?:query|mutation) (\w+)/.exec(document)?.[1];
    const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', ...this.authorization() };
    let response: Response;
    try {
      response = await fetch(this.endpoint, { method: 'POST', headers, body: JSON.stringify({ query: document, variables, operationName }), signal });
    } catch (error) {
      if (signal?.aborted) throw error;
      throw new RequestFailed(`The gateway did not answer: ${(error as Error).message}`, 'NETWORK_ERROR', null);
    }
    const text = await response.text();
    let body: { data?: T | null; errors?: GraphQLErrorEntry[]; extensions?: { freshness?: Record<string, Freshness> } };
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      throw new RequestFailed(`The gateway answered ${response.status} ${response.statusText} with a body that is not JSON: ${text.slice(0, 200)}`, `HTTP_${response.status}`, response.status);
    }
    const first = body.errors?.[0];
    if (response.status === 401) {
      const message = first?.message ?? 'a credential is required';
      this.onUnauthenticated(message, 'authorization' in headers);
      throw new RequestFailed(message, first?.extensions?.code ?? 'UNAUTHENTICATED', 401);
    }
    if (body.data === undefined && !body.errors?.length) throw new RequestFailed(`The gateway answered ${response.status} without data or errors`, `HTTP_${response.status}`, response.status);
    // A refused request (400, 429, 503) has errors and no data: the caller shows them like any other.
    return { data: body.data ?? null, errors: body.errors ?? [], freshness: body.extensions?.freshness ?? {} };
  }
}

/** "message (CODE)", the way every panel shows an error; a credential's refusals say so in words first. */
export function describeError(error: { message: string; extensions?: { code?: string } } | RequestFailed): string {
  const code = error instanceof RequestFailed ? error.code : error.extensions?.code;
  if (code === 'FORBIDDEN') return `Not allowed with this API key: ${error.message} (FORBIDDEN)`;
  if (code === 'UNAUTHENTICATED') return `No valid API key: ${error.message} (UNAUTHENTICATED)`;
  return code ? `${error.message} (${code})` : error.message;
}
