import { assertUnreachable } from '@tributary/core';
import { DownstreamErrorCode } from '../downstream/downstream.error.js';

/** Why a download of an export file was not served: the `extensions.code` of its JSON error. */
export const ExportDownloadErrorCode = {
  unauthenticated: 'UNAUTHENTICATED',
  forbidden: 'FORBIDDEN',
  /** A path that is not one an export writes (`..`, an encoded slash, a character exports never use). */
  badPath: 'BAD_USER_INPUT',
  notFound: 'NOT_FOUND',
  /** The reporting app did not answer in time, or not at all. */
  unavailable: DownstreamErrorCode.unavailable,
  /** The reporting app answered with an error of its own, or refused the gateway's credential. */
  failed: DownstreamErrorCode.failed,
} as const;
export type ExportDownloadErrorCode = (typeof ExportDownloadErrorCode)[keyof typeof ExportDownloadErrorCode];

export class ExportDownloadException extends Error {
  constructor(
    readonly code: ExportDownloadErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'ExportDownloadException';
  }
}

export function httpStatusOf(code: ExportDownloadErrorCode): number {
  switch (code) {
    case ExportDownloadErrorCode.unauthenticated:
      return 401;
    case ExportDownloadErrorCode.forbidden:
      return 403;
    case ExportDownloadErrorCode.badPath:
      return 400;
    case ExportDownloadErrorCode.notFound:
      return 404;
    case ExportDownloadErrorCode.failed:
      return 502;
    case ExportDownloadErrorCode.unavailable:
      return 503;
    default:
      return assertUnreachable(code, 'export download error code');
  }
}
