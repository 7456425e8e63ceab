import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import type { GatewayContext } from '../loaders/request-loaders.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/** Adds `extensions.downstream` to every response: the calls and keys each service got. */
export function downstreamExtensionPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }: GraphQLRequestContext<GatewayContext>) {
          const body = response.body;
          if (!body || body.kind !== 'single') return;
          const result = body.singleResult;
          result.extensions = { ...result.extensions, downstream: contextValue.downstream.toJSON() };
        },
      };
    },
  };
}

/** Times every GraphQL request by operation name, for /metrics. */
export function metricsPlugin(metrics: GatewayMetrics): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, response }: GraphQLRequestContext<GatewayContext>) {
          const body = response.body;
          const errors = body?.kind === 'single' && body.singleResult.errors?.length;
          metrics.requestDuration.observe({ operation: operationName ?? 'anonymous', outcome: errors ? 'errors' : 'ok' }, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
