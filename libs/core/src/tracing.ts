import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { context, propagation, ROOT_CONTEXT, SamplingDecision, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Link, type Sampler, type SamplingResult, type Span } from '@opentelemetry/api';

/**
 * Tracing (issue 19): OpenTelemetry, configured by the standard OTEL_* variables, and
 * off unless an OTLP endpoint is set. Off, the SDK is never imported, no exporter or
 * context manager exists, and every helper below is one boolean test: the spans are
 * the API's no-op ones, never created at all on the hot paths.
 */
let enabled = false;

export const tracer = trace.getTracer('tributary');

/** True once startTracing registered a provider: the hot paths test it before building a span. */
export function tracingEnabled(): boolean {
  return enabled;
}

export function tracingEndpointOf(env: NodeJS.ProcessEnv): string | undefined {
  return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined;
}

export interface Tracing {
  /** Exports every span ended so far: for tests, and before a planned exit. */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** The SDK's modules, loaded only when tracing is on (a seam for the test that checks they are not). */
export const loadTracingSdk = async () => {
  const [sdk, exporter, contextManager, core, resources] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
    import('@opentelemetry/resources'),
  ]);
  return { sdk, exporter, contextManager, core, resources };
};

/**
 * First thing in each app's main.ts: `await startTracing('gateway')`. The name is the
 * default of OTEL_SERVICE_NAME. Returns null, having loaded nothing, when neither
 * OTEL_EXPORTER_OTLP_ENDPOINT nor OTEL_EXPORTER_OTLP_TRACES_ENDPOINT is set (or
 * OTEL_SDK_DISABLED=true). The exporter reads the other OTEL_EXPORTER_OTLP_* settings
 * (headers, timeout) itself; the sampler follows OTEL_TRACES_SAMPLER(_ARG).
 */
export async function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env, load = loadTracingSdk): Promise<Tracing | null> {
  if (!tracingEndpointOf(env) || env.OTEL_SDK_DISABLED === 'true' || enabled) return null;
  const { sdk, exporter, contextManager, core, resources } = await load();
  const resource = resources.resourceFromAttributes({ 'service.name': serviceName }).merge(resources.detectResources({ detectors: [resources.envDetector] }));
  const provider = new sdk.TracerProvider({
    resource,
    sampler: new WithoutOrphanStatements(samplerFromEnv(sdk, env)),
    spanProcessors: [new sdk.BatchSpanProcessor({ exporter: new exporter.OTLPTraceExporter(), ...batchOptionsFromEnv(env) })],
  });
  context.setGlobalContextManager(new contextManager.AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.W3CTraceContextPropagator());
  trace.setGlobalTracerProvider(provider);
  enabled = true;
  return { forceFlush: () => provider.forceFlush(), shutdown: () => provider.shutdown() };
}

/** OTEL_BSP_*: how often and how much the batch span processor exports (the SDK leaves them to its caller). */
function batchOptionsFromEnv(env: NodeJS.ProcessEnv) {
  const numberOf = (name: string) => {
    const value = Number(env[name]);
    return env[name] && Number.isFinite(value) && value > 0 ? value : undefined;
  };
  const options = {
    scheduledDelayMillis: numberOf('OTEL_BSP_SCHEDULE_DELAY'),
    exportTimeoutMillis: numberOf('OTEL_BSP_EXPORT_TIMEOUT'),
    maxQueueSize: numberOf('OTEL_BSP_MAX_QUEUE_SIZE'),
    maxExportBatchSize: numberOf('OTEL_BSP_MAX_EXPORT_BATCH_SIZE'),
  };
  return Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
}

/**
 * Prisma opens a span for every statement, in a request or not. Outside one they are the
 * statements of background work (pump polling, outbox relays, workers, seeding, start-up
 * checks), which would make a trace of their own every second: not recorded until that
 * work has spans of its own to hang them under.
 */
class WithoutOrphanStatements implements Sampler {
  constructor(private readonly sampler: Sampler) {}

  shouldSample(parent: Context, traceId: string, name: string, ...rest: Parameters<Sampler['shouldSample']> extends [Context, string, string, ...infer R] ? R : never): SamplingResult {
    if (name.startsWith('prisma:') && !trace.getSpanContext(parent)) return { decision: SamplingDecision.NOT_RECORD };
    return this.sampler.shouldSample(parent, traceId, name, ...rest);
  }

  toString(): string {
    return `WithoutOrphanStatements{${this.sampler.toString()}}`;
  }
}

type Sdk = Awaited<ReturnType<typeof loadTracingSdk>>['sdk'];

/** OTEL_TRACES_SAMPLER as the specification names them; parentbased_always_on by default. */
function samplerFromEnv(sdk: Sdk, env: NodeJS.ProcessEnv): Sampler {
  const ratio = Number(env.OTEL_TRACES_SAMPLER_ARG ?? 1);
  const root = (name: string): Sampler => {
    if (name === 'always_off') return new sdk.AlwaysOffSampler();
    if (name === 'traceidratio') return new sdk.TraceIdRatioBasedSampler(Number.isFinite(ratio) ? ratio : 1);
    return new sdk.AlwaysOnSampler();
  };
  const name = env.OTEL_TRACES_SAMPLER ?? 'parentbased_always_on';
  return name.startsWith('parentbased_') ? new sdk.ParentBasedSampler({ root: root(name.slice('parentbased_'.length)) }) : root(name);
}

/** trace_id and span_id of the active span, for every log line (pino's mixin). */
export function traceFields(): { trace_id?: string; span_id?: string } {
  if (!enabled) return {};
  const span = trace.getActiveSpan();
  if (!span) return {};
  const { traceId, spanId } = span.spanContext();
  return { trace_id: traceId, span_id: spanId };
}

/** The headers of an outgoing call, with the active span's traceparent when tracing is on. */
export function withTraceHeaders(headers: Record<string, string>): Record<string, string> {
  if (enabled) propagation.inject(context.active(), headers);
  return headers;
}

/**
 * The active span's W3C traceparent, to store with work that continues later elsewhere
 * (an outbox event: CloudEvents' distributed tracing extension carries it the same way).
 */
export function activeTraceparent(): string | undefined {
  if (!enabled || !trace.getActiveSpan()) return undefined;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** A span link to the span a stored traceparent names; undefined for a missing or malformed one. */
export function linkTo(traceparent: string | undefined): Link | undefined {
  if (!enabled || !traceparent) return undefined;
  const spanContext = trace.getSpanContext(propagation.extract(context.active(), { traceparent }));
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

/**
 * Runs `work` in a span, active for whatever it calls; without tracing, just runs it.
 * For units of work counted per request or per batch, never per row or field. `links`
 * is called only when tracing is on: work that continues many traces (a batch of events
 * written by many requests) links to each instead of joining one.
 */
export async function inSpan<T>(name: string, attributes: Attributes, work: (span: Span | undefined) => Promise<T>, kind: SpanKind = SpanKind.INTERNAL, links?: () => Link[]): Promise<T> {
  if (!enabled) return work(undefined);
  return tracer.startActiveSpan(name, { kind, attributes, links: links?.() }, async (span) => {
    try {
      return await work(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
      throw error;
    } finally {
      span.end();
    }
  });
}

/**
 * inSpan as a child of the span a stored traceparent names (work a request handed to a
 * background worker: one trace with it); a root span when there is none.
 */
export function inSpanContinuing<T>(traceparent: string | null | undefined, name: string, attributes: Attributes, work: (span: Span | undefined) => Promise<T>): Promise<T> {
  if (!enabled) return work(undefined);
  const parent = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : ROOT_CONTEXT;
  return context.with(parent, () => inSpan(name, attributes, work));
}

/**
 * Express middleware: the server span of an incoming request, continuing the caller's
 * trace from its traceparent, active for everything the request runs (the request and
 * response emitters are bound, so handlers called from stream events keep it). Named by
 * method and path without the query string; the route template is set once known.
 */
export function tracingMiddleware(untraced: (req: IncomingMessage) => boolean = () => false) {
  return (req: IncomingMessage & { originalUrl?: string }, res: ServerResponse, next: () => void) => {
    if (!enabled || untraced(req)) return next();
    const parent = propagation.extract(context.active(), req.headers as IncomingHttpHeaders);
    const path = (req.originalUrl ?? req.url ?? '/').split('?')[0]!;
    const span = tracer.startSpan(`${req.method} ${path}`, { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method, 'url.path': path } }, parent);
    const active = trace.setSpan(parent, span);
    res.once('close', () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    });
    context.bind(active, req);
    context.bind(active, res);
    context.with(active, next);
  };
}

export { SpanKind, SpanStatusCode, type Span };
