import type { FieldViolation, ProblemCode } from '@tributary/contracts';
import type { ClientName } from './downstream-services.js';

export const DownstreamErrorCode = {
  /** The service did not answer in time, refused the connection, or its circuit is open. */
  unavailable: 'DOWNSTREAM_UNAVAILABLE',
  /** The service answered with an error this contract has no code for, or with a body that is not the contract's. */
  failed: 'DOWNSTREAM_FAILED',
  /** Not sent, or given up: the client that asked has gone away. */
  abandoned: 'DOWNSTREAM_ABANDONED',
} as const;
export type DownstreamErrorCode = (typeof DownstreamErrorCode)[keyof typeof DownstreamErrorCode];

/** A problem document a service answered with: the request's fault, not the service's. */
export interface DownstreamProblem {
  code: ProblemCode;
  violations: readonly FieldViolation[];
}

/**
 * A call to a service that did not give its data. Only the fields that needed it fail.
 * With `problem`, the service refused the request (a 4xx naming its code), and the
 * client gets that code's GraphQL error; without, the service failed.
 */
export class DownstreamError extends Error {
  constructor(
    readonly service: ClientName,
    readonly code: DownstreamErrorCode,
    message: string,
    readonly status?: number,
    readonly problem?: DownstreamProblem,
  ) {
    super(`${service}: ${message}`);
    this.name = 'DownstreamError';
  }
}
