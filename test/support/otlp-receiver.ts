import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

type OtlpAttributes = Array<{ key: string; value: { stringValue?: string; intValue?: string | number; boolValue?: boolean } }>;

/** A span as the OTLP/HTTP JSON exporter sends it, with its resource's service.name. */
export interface OtlpSpan {
  /** The resource's service.name, copied onto each span by the receiver. */
  service?: string;
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  flags?: number;
  attributes?: OtlpAttributes;
  links?: Array<{ traceId: string; spanId: string }>;
}

export const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3, PRODUCER: 4, CONSUMER: 5 } as const;

export interface OtlpReceiver {
  /** Where OTEL_EXPORTER_OTLP_ENDPOINT points: the exporters post to its /v1/traces. */
  endpoint: string;
  /** Every span received so far, in arrival order. */
  received: OtlpSpan[];
  close(): Promise<void>;
}

/** An OTLP/HTTP (JSON) trace receiver of the test's own, on a loopback port. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const received: OtlpSpan[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      if (req.method === 'POST' && req.url === '/v1/traces') {
        const payload = JSON.parse(body) as { resourceSpans: Array<{ resource: { attributes: OtlpAttributes }; scopeSpans: Array<{ spans: OtlpSpan[] }> }> };
        for (const { resource, scopeSpans } of payload.resourceSpans) {
          const service = resource.attributes?.find((a) => a.key === 'service.name')?.value.stringValue;
          for (const scope of scopeSpans) received.push(...scope.spans.map((span) => ({ ...span, service })));
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    endpoint: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => {
      // The exporters keep their connections alive: end them, or close waits for them.
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A span attribute's value, whatever its OTLP type. */
export function attributeOf(span: OtlpSpan, key: string): string | number | boolean | undefined {
  const value = span.attributes?.find((a) => a.key === key)?.value;
  return value?.stringValue ?? (value?.intValue !== undefined ? Number(value.intValue) : value?.boolValue);
}
