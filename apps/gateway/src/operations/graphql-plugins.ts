import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import { traceFields } from '@tributary/core';
import type { GatewayContext } from '../loaders/request-loaders.js';
import type { GatewayMetrics } from './gateway-metrics.js';

/**
 * Adds `extensions.downstream` to every response: the calls and keys each service got;
 * with `traceId` (development, tracing on), also the request's trace id, to find it in
 * the tracing tool.
 */
export function downstreamExtensionPlugin({ traceId = false } = {}): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const trace = traceId ? traceFields().trace_id : undefined;
      return {
        async willSendResponse({ response, contextValue }: GraphQLRequestContext<GatewayContext>) {
          const body = response.body;
          if (!body || body.kind !== 'single') return;
          const result = body.singleResult;
          const downstream = contextValue.downstream.toJSON();
          result.extensions = { ...result.extensions, downstream: trace ? { ...downstream, traceId: trace } : downstream };
        },
      };
    },
  };
}

/** Adds `extensions.freshness` to a response with reports: which source served each, and its lag. */
export function freshnessExtensionPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ response, contextValue }: GraphQLRequestContext<GatewayContext>) {
          const body = response.body;
          if (!body || body.kind !== 'single' || contextValue.freshness.empty) return;
          body.singleResult.extensions = { ...body.singleResult.extensions, freshness: contextValue.freshness.toJSON() };
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

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';

/** True when the client names application/json and not the GraphQL response type (a legacy client). */
export function acceptsLegacyJsonOnly(accept: string | undefined): boolean {
  const mediaTypes = (accept ?? '')
    .split(',')
    .map((part) => part.split(';'))
    .filter(([, ...params]) => !params.some((param) => /^\s*q\s*=\s*0(\.0*)?\s*$/.test(param)))
    .map(([type]) => type!.trim().toLowerCase());
  return mediaTypes.includes('application/json') && !mediaTypes.includes(GRAPHQL_RESPONSE_JSON);
}

/**
 * The status of a request error (a document that does not parse or validate, variables
 * that do not coerce: no data at all) as the GraphQL-over-HTTP spec has it: 400 for
 * clients that accept application/graphql-response+json, or anything (curl's and a
 * browser's `*\/*`), and 200 for a client that asks for application/json only, which
 * reads errors from the body as servers answered before the spec.
 */
export function requestErrorStatusPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ request }) {
      const legacy = acceptsLegacyJsonOnly(request.http?.headers.get('accept'));
      return {
        async willSendResponse({ response }) {
          const body = response.body;
          if (legacy && response.http.status === 400 && body?.kind === 'single' && body.singleResult.data === undefined) response.http.status = 200;
        },
      };
    },
  };
}
