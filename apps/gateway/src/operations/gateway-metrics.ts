import { Injectable } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** The gateway's Prometheus metrics, in a registry of its own (one per app instance). */
@Injectable()
export class GatewayMetrics {
  readonly registry = new Registry();

  readonly requestDuration = new Histogram({
    name: 'tributary_graphql_request_duration_seconds',
    help: 'GraphQL request duration by operation name',
    labelNames: ['operation', 'outcome'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly downstreamCalls = new Counter({
    name: 'tributary_downstream_calls_total',
    help: 'HTTP calls to the services, retries included, by service and outcome',
    labelNames: ['service', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly downstreamDuration = new Histogram({
    name: 'tributary_downstream_call_duration_seconds',
    help: 'Duration of HTTP calls to the services',
    labelNames: ['service'] as const,
    buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly loaderBatchSize = new Histogram({
    name: 'tributary_loader_batch_size',
    help: 'Keys per DataLoader batch, by loader',
    labelNames: ['loader'] as const,
    buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'tributary_gateway_' });
  }
}
