import type { ServiceName } from '@tributary/service-kit';

export const DownstreamErrorCode = {
  /** The service did not answer in time, refused the connection, or its circuit is open. */
  unavailable: 'DOWNSTREAM_UNAVAILABLE',
  /** The service answered with an error. */
  failed: 'DOWNSTREAM_FAILED',
  /** Not sent, or given up: the client that asked has gone away. */
  abandoned: 'DOWNSTREAM_ABANDONED',
} as const;
export type DownstreamErrorCode = (typeof DownstreamErrorCode)[keyof typeof DownstreamErrorCode];

/** A call to a service that did not give its data. Only the fields that needed it fail. */
export class DownstreamError extends Error {
  constructor(
    readonly service: ServiceName,
    readonly code: DownstreamErrorCode,
    message: string,
    readonly status?: number,
  ) {
    super(`${service}: ${message}`);
    this.name = 'DownstreamError';
  }
}
