import type { ClientName } from './downstream-services.js';
import {
  circuitBreaker,
  CircuitState,
  ConsecutiveBreaker,
  ExponentialBackoff,
  handleWhen,
  isBrokenCircuitError,
  retry,
  TaskCancelledError,
  timeout,
  TimeoutStrategy,
  wrap,
  type CircuitBreakerPolicy,
  type IPolicy,
} from 'cockatiel';
import { Pool } from 'undici';
import { problemCodeOf, type FieldViolation } from '@tributary/contracts';
import { inSpan, parseJsonOrUndefined, SpanKind, withTraceHeaders, type ServiceCredential, type Span } from '@tributary/core';
import type { GatewayMetrics } from '../operations/gateway-metrics.js';
import { DownstreamError, DownstreamErrorCode } from './downstream.error.js';
import type { DownstreamStats } from './downstream-stats.js';

export interface ServiceClientOptions {
  timeoutMs: number;
  attempts: number;
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
}

export interface DownstreamRequest {
  method: 'GET' | 'POST';
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  /** Entity keys the request carries, for extensions.downstream. */
  keys: number;
  /** Safe to send again: every read of the batch contract is. */
  idempotent: boolean;
  /** The array every 2xx answer of this method carries (`results`, `orders`, …): an answer without it is not the contract's. */
  listField?: string;
  /** How long the service may hold its answer on purpose (a long poll): added to the attempt's timeout. */
  waitMs?: number;
}

const CIRCUIT_STATE_NAMES: Record<CircuitState, string> = {
  [CircuitState.Closed]: 'closed',
  [CircuitState.Open]: 'open',
  [CircuitState.HalfOpen]: 'half-open',
  [CircuitState.Isolated]: 'isolated',
};

/** Worth another attempt, and a mark against the service: it may answer next time. */
function isTransient(error: Error): boolean {
  return error instanceof TaskCancelledError || (error instanceof DownstreamError && error.code === DownstreamErrorCode.unavailable);
}

/**
 * HTTP to one service: a keep-alive connection pool, a timeout on every attempt,
 * retries with exponential backoff and jitter for idempotent calls, and a circuit
 * breaker that fails fast while the service is down and probes it again later. Every
 * call carries the gateway's service credential when it has one (always in production):
 * one token, minted once and reused until shortly before it expires.
 */
export class ServiceClient {
  private readonly pool: Pool;
  private readonly resilient: IPolicy;
  private readonly resilientOnce: IPolicy;
  private readonly breaker: CircuitBreakerPolicy;
  private readonly retries: IPolicy;

  constructor(
    readonly service: ClientName,
    baseUrl: string,
    private readonly options: ServiceClientOptions,
    private readonly metrics: GatewayMetrics,
    private readonly credential: ServiceCredential | null = null,
  ) {
    this.pool = new Pool(baseUrl, { connections: 64, keepAliveTimeout: 30_000, pipelining: 1 });
    const breaker = (this.breaker = circuitBreaker(handleWhen(isTransient), {
      halfOpenAfter: options.breakerHalfOpenAfterMs,
      breaker: new ConsecutiveBreaker(options.breakerThreshold),
    }));
    const perAttemptTimeout = timeout(options.timeoutMs, TimeoutStrategy.Aggressive);
    const retries = (this.retries = retry(handleWhen(isTransient), {
      maxAttempts: options.attempts - 1,
      backoff: new ExponentialBackoff({ initialDelay: 50, maxDelay: 1000 }),
    }));
    this.resilient = wrap(retries, breaker, perAttemptTimeout);
    this.resilientOnce = wrap(breaker, perAttemptTimeout);
  }

  /** closed (calls flow), open (failing fast), half-open (probing) or isolated. */
  get circuitState(): string {
    return CIRCUIT_STATE_NAMES[this.breaker.state];
  }

  /**
   * With tracing on, one client span per call, retries included: the service, the route
   * (the path without its query), the last status, how many retries and the breaker's
   * state after the call. Each attempt sends the span's traceparent.
   */
  async call<T>(request: DownstreamRequest, stats: DownstreamStats): Promise<T> {
    if (stats.clientGone.aborted) throw this.abandoned();
    return inSpan(
      `${request.method} ${this.service} ${request.path}`,
      { 'tributary.service': this.service, 'http.route': request.path, 'http.request.method': request.method, 'tributary.keys': request.keys },
      (span) => this.callWithPolicy<T>(request, stats, span),
      SpanKind.CLIENT,
    );
  }

  private async callWithPolicy<T>(request: DownstreamRequest, stats: DownstreamStats, span: Span | undefined): Promise<T> {
    const policy = this.policyOf(request);
    let attempts = 0;
    try {
      return await policy.execute(({ signal }) => {
        attempts++;
        return this.send<T>(request, stats, signal, span);
      });
    } catch (error) {
      if (isBrokenCircuitError(error)) throw new DownstreamError(this.service, DownstreamErrorCode.unavailable, 'circuit open after repeated failures; not called');
      if (error instanceof TaskCancelledError) {
        throw new DownstreamError(this.service, DownstreamErrorCode.unavailable, 'no answer within the timeout');
      }
      throw error;
    } finally {
      span?.setAttributes({ 'tributary.retries': Math.max(0, attempts - 1), 'tributary.breaker.state': this.circuitState });
    }
  }

  async close(): Promise<void> {
    await this.pool.close();
  }

  /**
   * Retries only when idempotent. A long poll gets its wait on top of the timeout: cut at
   * the usual timeout it would be retried, and count against the service, while the
   * service only did what it was asked.
   */
  private policyOf(request: DownstreamRequest): IPolicy {
    if (!request.waitMs) return request.idempotent ? this.resilient : this.resilientOnce;
    const perAttemptTimeout = timeout(this.options.timeoutMs + request.waitMs, TimeoutStrategy.Aggressive);
    return request.idempotent ? wrap(this.retries, this.breaker, perAttemptTimeout) : wrap(this.breaker, perAttemptTimeout);
  }

  /** A 4xx: the request was refused. A problem document with a code of the contract says what the client did wrong. */
  private refused(status: number, payload: unknown): DownstreamError {
    const problem = payload as { code?: unknown; detail?: unknown; errors?: unknown } | undefined;
    const code = problemCodeOf(problem?.code);
    const detail = typeof problem?.detail === 'string' ? problem.detail : `answered ${status}`;
    if (!code) return new DownstreamError(this.service, DownstreamErrorCode.failed, detail, status);
    const violations = Array.isArray(problem?.errors) ? (problem.errors as FieldViolation[]).filter((v) => typeof v?.field === 'string' && typeof v?.message === 'string') : [];
    return new DownstreamError(this.service, DownstreamErrorCode.failed, detail, status, { code, violations });
  }

  private abandoned(): DownstreamError {
    return new DownstreamError(this.service, DownstreamErrorCode.abandoned, 'the client went away; not called');
  }

  private async send<T>(request: DownstreamRequest, stats: DownstreamStats, signal: AbortSignal, span: Span | undefined): Promise<T> {
    stats.record(this.service, request.keys);
    const started = performance.now();
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) search.set(key, String(value));
    const path = search.size ? `${request.path}?${search}` : request.path;
    let outcome = 'error';
    try {
      const headers: Record<string, string> = withTraceHeaders(request.body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': 'application/json' });
      if (this.credential) headers.authorization = await this.credential.authorization();
      const response = await this.pool.request({
        method: request.method,
        path,
        // The attempt's timeout, or the client going away, whichever comes first.
        signal: AbortSignal.any([signal, stats.clientGone]),
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
      });
      const text = await response.body.text();
      outcome = String(response.statusCode);
      span?.setAttribute('http.response.status_code', response.statusCode);
      if (response.statusCode >= 500) {
        throw new DownstreamError(this.service, DownstreamErrorCode.unavailable, `answered ${response.statusCode}`, response.statusCode);
      }
      const payload = parseJsonOrUndefined(text);
      if (response.statusCode >= 400) throw this.refused(response.statusCode, payload);
      if (payload === undefined) throw new DownstreamError(this.service, DownstreamErrorCode.failed, `answered ${response.statusCode} with a body that is not JSON`, response.statusCode);
      if (request.listField && !Array.isArray((payload as Record<string, unknown> | null)?.[request.listField])) {
        throw new DownstreamError(this.service, DownstreamErrorCode.failed, `answered ${response.statusCode} without the ${request.listField} array of ${request.method} ${request.path}`, response.statusCode);
      }
      return payload as T;
    } catch (error) {
      if (error instanceof DownstreamError) throw error;
      // Not the service's fault: neither retried nor counted by the circuit breaker.
      if (stats.clientGone.aborted) {
        outcome = 'abandoned';
        throw this.abandoned();
      }
      if (signal.aborted) outcome = 'timeout';
      throw new DownstreamError(this.service, DownstreamErrorCode.unavailable, error instanceof Error ? error.message : String(error));
    } finally {
      this.metrics.downstreamCalls.inc({ service: this.service, outcome });
      this.metrics.downstreamDuration.observe({ service: this.service }, (performance.now() - started) / 1000);
    }
  }
}
