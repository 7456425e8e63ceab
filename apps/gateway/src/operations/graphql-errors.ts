import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ProblemException } from '@tributary/batch-api';
import { DownstreamError } from '../downstream/downstream.error.js';

/**
 * The one mapper from what resolvers throw to GraphQL errors with `extensions.code`:
 * bad arguments are BAD_USER_INPUT naming each field, a failed service names itself,
 * and anything else keeps Apollo's own code.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof ProblemException) {
    const code = original.code === 'INVALID_ARGUMENT' || original.code === 'INVALID_PAGE_TOKEN' ? 'BAD_USER_INPUT' : original.code;
    return { ...formatted, message: original.message, extensions: { code, errors: original.violations } };
  }
  if (original instanceof DownstreamError) {
    return { ...formatted, message: original.message, extensions: { code: original.code, service: original.service, ...(original.status ? { status: original.status } : {}) } };
  }
  return formatted;
}
