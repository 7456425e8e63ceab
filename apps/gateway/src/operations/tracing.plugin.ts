import type { ApolloServerPlugin } from '@apollo/server';
import { context, trace, type Span } from '@opentelemetry/api';
import { SpanStatusCode, tracer } from '@tributary/core';
import type { GatewayContext } from '../loaders/request-loaders.js';

/**
 * The GraphQL operation in the trace (issue 19). The request's server span, started by
 * tracingMiddleware on /graphql and active for everything the request runs (so the
 * loaders' batches and the downstream calls are its children), becomes the operation
 * span: named `query OrdersPage`, with the operation's type, name and document hash.
 * Variables' values are never recorded. Parse, validate and execute are its children,
 * each one span per request; nothing is recorded per resolved field. Listed before
 * compiledExecutionPlugin, whose responseForOperation executes instead of Apollo: the
 * execute span starts at the first of the two hooks that run.
 * Registered only when tracing is on.
 */
export function tracingPlugin(): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const operation = trace.getActiveSpan();
      if (!operation) return {};
      const parent = trace.setSpan(context.active(), operation);
      const child = (name: string) => tracer.startSpan(name, {}, parent);
      const ending = (span: Span) => async (error?: unknown) => {
        if (error) span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
        span.end();
      };
      let execute: Span | undefined;
      const startExecute = () => {
        execute ??= child('graphql.execute');
      };
      return {
        async parsingDidStart() {
          return ending(child('graphql.parse'));
        },
        async validationDidStart() {
          const span = child('graphql.validate');
          return async (errors?: readonly Error[]) => ending(span)(errors?.[0]);
        },
        async didResolveOperation({ operationName, operation: definition, queryHash }) {
          const type = definition?.operation ?? 'query';
          operation.updateName(`${type}${operationName ? ` ${operationName}` : ''}`);
          operation.setAttributes({ 'graphql.operation.type': type, 'graphql.document.hash': `sha256:${queryHash}`, ...(operationName ? { 'graphql.operation.name': operationName } : {}) });
        },
        async responseForOperation() {
          startExecute();
          return null;
        },
        async executionDidStart() {
          startExecute();
        },
        async didEncounterErrors({ errors }) {
          operation.setAttribute('graphql.errors', errors.length);
          operation.setStatus({ code: SpanStatusCode.ERROR, message: errors[0]?.message });
        },
        async willSendResponse() {
          execute?.end();
        },
      };
    },
  };
}

