import { Catch, HttpException, HttpStatus, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import { ProblemCode, type FieldViolation, type ProblemDocument } from '@tributary/contracts';
import { assertUnreachable, DomainException } from '@tributary/core';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

/** The HTTP status of each problem code: the one mapper from domain errors to HTTP. */
export function httpStatusOf(code: ProblemCode): number {
  switch (code) {
    // An oversized body is bad input like any other: 400 naming the body and the limit.
    case ProblemCode.invalidArgument:
    case ProblemCode.invalidPageToken:
    case ProblemCode.payloadTooLarge:
      return HttpStatus.BAD_REQUEST;
    case ProblemCode.notFound:
      return HttpStatus.NOT_FOUND;
    case ProblemCode.alreadyExists:
    case ProblemCode.failedPrecondition:
      return HttpStatus.CONFLICT;
    case ProblemCode.staleData:
      return HttpStatus.SERVICE_UNAVAILABLE;
    case ProblemCode.internal:
      return HttpStatus.INTERNAL_SERVER_ERROR;
    case ProblemCode.unauthenticated:
      return HttpStatus.UNAUTHORIZED;
    default:
      return assertUnreachable(code, 'problem code');
  }
}

const titleOfStatus: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

/** The error body-parser raises for unreadable bodies (invalid JSON, too large, bad charset). */
interface BodyParserError {
  type: string;
  status: number;
  limit?: number;
  message: string;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return error instanceof Error && typeof (error as Partial<BodyParserError>).type === 'string' && typeof (error as Partial<BodyParserError>).status === 'number';
}

function problem(code: ProblemCode, detail: string, errors?: readonly FieldViolation[], status = httpStatusOf(code)): ProblemDocument {
  const title = titleOfStatus[status] ?? 'Error';
  return { type: `https://tributary.dev/problems/${code.toLowerCase().replaceAll('_', '-')}`, title, status, detail, code, ...(errors?.length ? { errors } : {}) };
}

/** Maps anything thrown while serving a request onto a problem document. */
export function toProblemDetails(exception: unknown): ProblemDocument {
  if (exception instanceof DomainException) return problem(exception.code, exception.message, exception.violations);
  // Nest wraps body-parser's errors in an HttpException; the original says what was wrong.
  const bodyError = isBodyParserError(exception) ? exception : exception instanceof HttpException && isBodyParserError(exception.cause) ? exception.cause : undefined;
  if (bodyError) {
    if (bodyError.type === 'entity.too.large') {
      const detail = `the request body is larger than the limit of ${bodyError.limit} bytes`;
      return problem(ProblemCode.payloadTooLarge, detail, [{ field: 'body', message: detail }]);
    }
    const detail = bodyError.type === 'entity.parse.failed' ? `the request body is not valid JSON: ${bodyError.message}` : bodyError.message;
    return problem(ProblemCode.invalidArgument, detail, [{ field: 'body', message: detail }]);
  }
  if (exception instanceof HttpException) {
    // Nest's own: unknown routes (404), methods a route lacks (405).
    const status = exception.getStatus();
    const code = status === HttpStatus.NOT_FOUND ? ProblemCode.notFound : status < 500 ? ProblemCode.invalidArgument : ProblemCode.internal;
    return problem(code, exception.message, undefined, status);
  }
  return problem(ProblemCode.internal, 'the server failed to handle this request; it has been logged');
}

/** Every error of every service leaves as application/problem+json (RFC 9457). */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('ProblemDetails');

  catch(exception: unknown, host: ArgumentsHost): unknown {
    // GraphQL resolvers' errors belong to GraphQL's own error mapping.
    if (host.getType() !== 'http') return exception;
    const http = host.switchToHttp();
    const request = http.getRequest<{ originalUrl?: string; method?: string }>();
    const response = http.getResponse<{
      headersSent: boolean;
      status(code: number): { type(value: string): { send(body: string): void } };
    }>();
    const details = { ...toProblemDetails(exception), instance: request.originalUrl };
    if (details.status >= 500) this.logger.error({ err: exception, method: request.method, url: request.originalUrl }, 'request failed');
    if (response.headersSent) return undefined;
    response.status(details.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(details));
    return undefined;
  }
}
