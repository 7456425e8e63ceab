import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { ProblemCode } from '@tributary/contracts';
import { assertUnreachable, DomainException } from '@tributary/core';
import { DownstreamError } from '../downstream/downstream.error.js';

/** The GraphQL error codes a client switches on, besides Apollo's own (GRAPHQL_PARSE_FAILED, …). */
export type GatewayErrorCode = 'BAD_USER_INPUT' | 'NOT_FOUND' | 'ALREADY_EXISTS' | 'FAILED_PRECONDITION' | 'STALE_DATA' | 'INTERNAL_SERVER_ERROR';

/** The one map from the contract's problem codes to GraphQL error codes, whoever raised the problem. */
export function graphqlCodeOf(code: ProblemCode): GatewayErrorCode {
  switch (code) {
    case ProblemCode.invalidArgument:
    case ProblemCode.invalidPageToken:
    case ProblemCode.payloadTooLarge:
      return 'BAD_USER_INPUT';
    case ProblemCode.notFound:
      return 'NOT_FOUND';
    case ProblemCode.alreadyExists:
      return 'ALREADY_EXISTS';
    case ProblemCode.failedPrecondition:
      return 'FAILED_PRECONDITION';
    case ProblemCode.staleData:
      return 'STALE_DATA';
    // unauthenticated: a service refused the gateway's own credential; the gateway's configuration is wrong, not the client's request.
    case ProblemCode.internal:
    case ProblemCode.unauthenticated:
      return 'INTERNAL_SERVER_ERROR';
    default:
      return assertUnreachable(code, 'problem code');
  }
}

/**
 * The one mapper from what resolvers throw to GraphQL errors with `extensions.code`:
 * a domain problem gets its code's GraphQL error, naming each field; a service that
 * refused a request passes its problem on the same way (a stale cursor is the
 * client's mistake, not an outage), and a service that failed names itself.
 */
export function formatGraphQLError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError {
  const original = unwrapResolverError(error);
  if (original instanceof DomainException) {
    return { ...formatted, message: original.message, extensions: { code: graphqlCodeOf(original.code), errors: original.violations } };
  }
  if (original instanceof DownstreamError) {
    const { service, status, problem } = original;
    const code = problem ? graphqlCodeOf(problem.code) : original.code;
    return { ...formatted, message: original.message, extensions: { code, service, ...(status ? { status } : {}), ...(problem ? { errors: problem.violations } : {}) } };
  }
  return formatted;
}
