import { withServiceCredential, type ServiceCredential } from '@tributary/core';

/** One answer of the service under audit, read whole. */
export interface AuditResponse {
  method: string;
  /** Path and query, as sent. */
  path: string;
  status: number;
  /** The media type, without parameters: `application/problem+json`. */
  contentType: string;
  text: string;
  /** The body parsed as JSON; undefined when it is not JSON. */
  json: unknown;
}

const PROBLEM_TYPE = 'application/problem+json';

/** The service's answers over plain HTTP (fetch): the audit imports no code of the service it audits. */
export class AuditHttp {
  constructor(
    readonly baseUrl: string,
    private readonly headers: Readonly<Record<string, string>> = {},
    private readonly timeoutMs = 15_000,
    private readonly credential: ServiceCredential | null = null,
  ) {}

  get(path: string, query: Readonly<Record<string, string | number | undefined>> = {}): Promise<AuditResponse> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.append(key, String(value));
    const search = params.toString();
    return this.send('GET', search ? `${path}?${search}` : path);
  }

  /** POSTs JSON: a value is serialised, a string or buffer goes as it is. */
  post(path: string, body: unknown): Promise<AuditResponse> {
    return this.send('POST', path, body);
  }

  patch(path: string, body: unknown): Promise<AuditResponse> {
    return this.send('PATCH', path, body);
  }

  async send(method: string, path: string, body?: unknown): Promise<AuditResponse> {
    const payload = body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body);
    let response: Response;
    try {
      // Joined, not resolved: a service served under a path prefix keeps it.
      response = await fetch(`${this.baseUrl.replace(/\/+$/, '')}${path}`, {
        method,
        headers: { ...(await withServiceCredential(this.credential, { accept: 'application/json, application/problem+json', ...(payload === undefined ? {} : { 'content-type': 'application/json' }) })), ...this.headers },
        body: payload,
        signal: AbortSignal.timeout(this.timeoutMs),
      });
    } catch (error) {
      throw new Error(`${method} ${path} got no answer: ${describeFetchError(error)}`, { cause: error });
    }
    const text = await response.text();
    return { method, path, status: response.status, contentType: (response.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase(), text, json: parseJson(text) };
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the audits that need JSON say so with the response's own text.
    return undefined;
  }
}

export function describeFetchError(error: unknown): string {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if ((error as Error).name === 'TimeoutError') return 'timed out';
  return cause?.code ?? cause?.message ?? (error as Error).message;
}

/** `POST /v1/x:batchGet answered 500 (text/html: "Internal…")`: what a reason quotes of a response. */
export function describeResponse(response: AuditResponse): string {
  const problem = response.json as { detail?: unknown; title?: unknown } | undefined;
  const detail = typeof problem?.detail === 'string' ? problem.detail : typeof problem?.title === 'string' ? problem.title : response.text;
  return `${response.method} ${shorten(response.path, 80)} answered ${response.status} (${response.contentType || 'no content type'}${detail ? `: ${quote(detail)}` : ''})`;
}

export function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

const quote = (text: string) => JSON.stringify(shorten(text.replace(/\s+/g, ' ').trim(), 100));

/**
 * The fields a problem document names as invalid. RFC 9457 fixes no member for them;
 * this contract's is `errors: [{field, message}]`, and the audit also reads RFC 9457's
 * own example (`errors: [{pointer}]`) and RFC 7807's (`invalid-params: [{name}]`).
 */
export function namedFields(problem: unknown): string[] {
  if (problem === null || typeof problem !== 'object') return [];
  const lists = ['errors', 'invalid-params', 'invalidParams', 'violations'].map((key) => (problem as Record<string, unknown>)[key]).filter(Array.isArray);
  return lists.flat().flatMap((entry) => {
    if (entry === null || typeof entry !== 'object') return [];
    const { field, name, pointer, parameter } = entry as Record<string, unknown>;
    const named = [field, name, parameter].filter((value): value is string => typeof value === 'string');
    if (typeof pointer === 'string') named.push(pointer.replace(/^#?\//, '').replaceAll('/', '.'));
    return named;
  });
}

/** `ids` is named by `ids`, `ids[3]`, `ids.3` or `ids/3`. */
export function namesField(named: readonly string[], field: string): boolean {
  return named.some((name) => name === field || name.startsWith(`${field}[`) || name.startsWith(`${field}.`) || name.startsWith(`${field}/`));
}

export const isProblem = (response: AuditResponse) => response.contentType === PROBLEM_TYPE;

/**
 * Why a response is not the problem the contract asks for (an expected status,
 * application/problem+json, every given field named), or undefined when it is.
 */
export function problemMismatch(response: AuditResponse, expected: { status: number | readonly number[]; fields?: readonly string[] }): string | undefined {
  const statuses = typeof expected.status === 'number' ? [expected.status] : expected.status;
  if (!statuses.includes(response.status)) return `${describeResponse(response)}, not ${statuses.join(' or ')}`;
  if (!isProblem(response)) return `${describeResponse(response)}: an error must be ${PROBLEM_TYPE}`;
  if (response.json === null || typeof response.json !== 'object') return `${response.method} ${shorten(response.path, 80)} answered ${response.status} with a body that is not a JSON problem document`;
  const named = namedFields(response.json);
  const missing = (expected.fields ?? []).filter((field) => !namesField(named, field));
  if (missing.length) return `${describeResponse(response)}: the problem does not name ${missing.join(', ')} (it names ${named.length ? named.join(', ') : 'no field'})`;
  return undefined;
}
