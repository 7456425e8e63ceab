import type { ApolloServerPlugin } from '@apollo/server';
import { HeaderMap } from '@apollo/server';
import { compileQuery, isCompiledQuery, type CompiledQuery } from 'graphql-jit';
import type { GraphQLError, GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../loaders/request-loaders.js';
import { formatGraphQLError } from './graphql-errors.js';

/** Compiled documents kept: a dashboard sends a few dozen distinct ones. */
const MAX_COMPILED = 500;

/** A GraphQL error as Apollo formats one before its formatError hook: INTERNAL_SERVER_ERROR unless it says otherwise. */
function formatted(error: GraphQLError): GraphQLFormattedError {
  const json = error.toJSON();
  return { ...json, extensions: { code: 'INTERNAL_SERVER_ERROR', ...json.extensions } };
}

/**
 * Executes operations with graphql-jit instead of graphql-js's interpreter: each
 * document (per operation name) is compiled once into a function that walks exactly
 * its selection set, with no per-field resolver lookup, argument coercion or promise
 * for a synchronous value. Apollo Server has no executor option; its
 * `responseForOperation` hook, which runs after parsing, validation and the query
 * limits, answers instead of its own execution. A document graphql-jit cannot compile,
 * and variables that do not coerce, are left to Apollo.
 */
export function compiledExecutionPlugin(): ApolloServerPlugin<GatewayContext> {
  const compiled = new Map<string, CompiledQuery>();
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ schema, document, operationName, queryHash, request, contextValue }) {
          const key = `${queryHash}\u0000${operationName ?? ''}`;
          let query = compiled.get(key);
          if (!query) {
            // Its fast-json-stringify serializer (customJSONSerializer) measured slower than
            // JSON.stringify on these answers, so Apollo's own stringify stays.
            const result = compileQuery(schema, document, operationName ?? undefined);
            if (!isCompiledQuery(result)) return null;
            if (compiled.size >= MAX_COMPILED) compiled.delete(compiled.keys().next().value!);
            compiled.set(key, (query = result));
          }
          const result = await query.query(undefined, contextValue, request.variables ?? {});
          // Variables that do not coerce: no data at all. Apollo's own execution answers
          // those with its BAD_USER_INPUT and status, as for every request error.
          if (!('data' in result)) return null;
          const errors = result.errors?.map((error) => formatGraphQLError(formatted(error), error));
          return {
            http: { status: undefined, headers: new HeaderMap() },
            body: { kind: 'single', singleResult: { data: result.data, ...(errors ? { errors } : {}) } },
          };
        },
      };
    },
  };
}
