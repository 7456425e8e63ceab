import { context, trace } from '@opentelemetry/api';
import { describe, expect, it, vi } from 'vitest';
import { activeTraceparent, inSpan, inSpanContinuing, linkTo, loadTracingSdk, startTracing, traceFields, tracingEnabled, tracingMiddleware, withTraceHeaders } from './tracing.js';

/** Tracing off (issue 19): without an OTLP endpoint nothing of the SDK is loaded, no exporter exists, no span is recorded. */
describe('tracing without an OTLP endpoint', () => {
  it('loads no SDK, so creates no exporter, and registers no provider', async () => {
    const load = vi.fn(loadTracingSdk);
    expect(await startTracing('gateway', { OTEL_SERVICE_NAME: 'named-but-off', OTEL_TRACES_SAMPLER: 'always_on' }, load)).toBeNull();
    expect(await startTracing('gateway', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318', OTEL_SDK_DISABLED: 'true' }, load)).toBeNull();
    expect(load).not.toHaveBeenCalled();
    expect(tracingEnabled()).toBe(false);
    // The API's proxy has no SDK provider behind it: every tracer is the no-op one.
    expect(trace.getTracer('probe').startSpan('probe').isRecording()).toBe(false);
  });

  it('records no span: the helpers run the work with no span, send no traceparent and add nothing to log lines', async () => {
    const seen = await inSpan('dataloader customerById', { 'dataloader.keys': 3 }, async (span) => ({ span, active: trace.getActiveSpan() }));
    expect(seen).toEqual({ span: undefined, active: undefined });
    expect(withTraceHeaders({ accept: 'application/json' })).toEqual({ accept: 'application/json' });
    expect(traceFields()).toEqual({});
    let activeInRequest: unknown = 'not called';
    const req = { method: 'POST', url: '/v1/customers:batchGet', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } };
    tracingMiddleware()(req as never, {} as never, () => (activeInRequest = trace.getSpan(context.active())));
    expect(activeInRequest).toBeUndefined();
  });

  it('stores no trace context with outbox events or placements, builds no links and continues no stored trace', async () => {
    const traceparent = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    expect(activeTraceparent()).toBeUndefined();
    expect(linkTo(traceparent)).toBeUndefined();
    const links = vi.fn(() => []);
    expect(await inSpan('events apply', {}, async (span) => span, undefined, links)).toBeUndefined();
    expect(links).not.toHaveBeenCalled();
    expect(await inSpanContinuing(traceparent, 'placement REQUESTED', {}, async (span) => ({ span, active: trace.getActiveSpan() }))).toEqual({ span: undefined, active: undefined });
  });

  it('is turned on by OTEL_EXPORTER_OTLP_TRACES_ENDPOINT alone too (the SDK is then loaded)', async () => {
    const load = vi.fn(async () => {
      throw new Error('loaded');
    });
    await expect(startTracing('gateway', { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://127.0.0.1:4318/v1/traces' }, load)).rejects.toThrow('loaded');
    expect(load).toHaveBeenCalledOnce();
    expect(tracingEnabled()).toBe(false);
  });
});
