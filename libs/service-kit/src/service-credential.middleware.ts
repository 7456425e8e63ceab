import type { IncomingMessage, ServerResponse } from 'node:http';
import { ProblemCode } from '@tributary/contracts';
import { PROBLEM_CONTENT_TYPE, toProblemDetails } from '@tributary/batch-api';
import { DomainException, ServiceCredentialVerifier, type ServiceCredentialSettings } from '@tributary/core';
import type { Logger } from 'pino';

const REALM = 'tributary-services';

/**
 * What answers without a credential: only liveness and readiness, which load balancers
 * and orchestrators probe without one. The API documents (/docs, /openapi.json,
 * /asyncapi.json) are not open: they map every internal endpoint (backups, ingest,
 * stock reservations); the contract audit reads them with the secret, and people read
 * them on a development instance of the same build.
 */
const OPEN_PATHS: ReadonlySet<string> = new Set(['/health', '/health/']);

declare module 'http' {
  interface IncomingMessage {
    /** The app that made this call, as its service credential says (the token's `iss`). */
    serviceCaller?: string;
  }
}

/**
 * A service's door. In production every call but /health needs a valid service
 * credential, or gets 401 problem+json with `WWW-Authenticate: Bearer` before its body
 * is read. In development a call without a credential passes, as it always did; a
 * credential that is sent is checked all the same, and refused when it is not valid
 * (or when the service has no secret to check it with).
 */
export function serviceCredentialMiddleware(settings: ServiceCredentialSettings, logger: Logger) {
  const { secret, required } = settings;
  const verifier = secret === null ? null : new ServiceCredentialVerifier({ ...settings, secret });
  return (request: IncomingMessage, response: ServerResponse, next: () => void): void => {
    if (OPEN_PATHS.has(pathOf(request.url))) return next();
    const header = request.headers.authorization;
    if ((header === undefined || header === '') && !required) return next();
    if (!verifier) {
      // Required without a secret cannot happen past the configuration's checks; closed all the same.
      const reason = required ? 'this service has no SERVICE_TOKEN_SECRET: it accepts no call' : 'this service has no SERVICE_TOKEN_SECRET, so it cannot check the credential sent: configure the same secret on both sides, or send none in development';
      return refuse(request, response, reason, header !== undefined && header !== '');
    }
    verifier.check(header).then(
      (result) => {
        if (!result.ok) return refuse(request, response, result.reason, !result.missing);
        request.serviceCaller = result.caller;
        next();
      },
      (error: unknown) => {
        logger.error({ err: error }, 'checking a service credential failed');
        refuse(request, response, 'the service credential could not be checked', true);
      },
    );
  };
}

function pathOf(url: string | undefined): string {
  const query = url?.indexOf('?') ?? -1;
  return query === -1 ? (url ?? '') : url!.slice(0, query);
}

/** 401 as RFC 6750 says (`error="invalid_token"` when a credential was sent), with a problem document like every other error. */
function refuse(request: IncomingMessage, response: ServerResponse, reason: string, sent: boolean): void {
  const challenge = sent ? `Bearer realm="${REALM}", error="invalid_token", error_description="${reason.replace(/["\\]/g, "'")}"` : `Bearer realm="${REALM}"`;
  const problem = { ...toProblemDetails(new DomainException(ProblemCode.unauthenticated, reason)), instance: request.url };
  response.statusCode = 401;
  response.setHeader('www-authenticate', challenge);
  response.setHeader('content-type', PROBLEM_CONTENT_TYPE);
  response.end(JSON.stringify(problem));
}
