import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { AuthConfig } from './auth.config.js';
import { ApiKeyStore } from './api-key-store.js';
import { IdentityProviderUnavailableError, InvalidCredentialError, JwtVerifier } from './jwt-verifier.js';
import { ROLES, type Principal } from './principal.js';

const REALM = 'tributary';

/** Who a request is, from its `Authorization: Bearer …` header: an API key (`trb_…`) or a JWT. */
export class Authenticator {
  readonly apiKeys: ApiKeyStore;
  private readonly jwt: JwtVerifier | null;

  constructor(readonly config: AuthConfig) {
    this.apiKeys = new ApiKeyStore(config.apiKeysFile);
    this.jwt = config.jwt ? new JwtVerifier(config.jwt) : null;
  }

  /** The principal, or null when the request carries no credential at all. Throws InvalidCredentialError for a bad one. */
  async authenticate(request: IncomingMessage): Promise<Principal | null> {
    const header = request.headers.authorization;
    if (header === undefined || header === '') return null;
    const match = /^Bearer +(\S+)$/i.exec(header);
    if (!match) throw new InvalidCredentialError('the Authorization header must be "Bearer <API key or token>"');
    const credential = match[1]!;
    if (credential.startsWith('trb_')) {
      const key = this.apiKeys.verify(credential);
      if (!key) throw new InvalidCredentialError('the API key is not valid: unknown, mistyped or revoked');
      return { subject: key.id, clientId: `key:${key.id}`, roles: [key.role], via: 'api-key', name: key.name };
    }
    if (!this.jwt) throw new InvalidCredentialError('this gateway accepts API keys (trb_…) only: no identity provider is configured for JWTs');
    return this.jwt.verify(credential);
  }
}

/** Anonymous requests in development mode: every role, so the playground and the README's examples work as written. */
function developmentPrincipal(request: IncomingMessage): Principal {
  return { subject: 'development', clientId: `ip:${request.socket.remoteAddress ?? 'unknown'}`, roles: ROLES, via: 'development' };
}

/**
 * Sets `request.principal` on every request it lets through; answers 401 with
 * `WWW-Authenticate` (RFC 6750) to a missing or bad credential before anything is
 * parsed or called downstream. The body is a GraphQL response, for GraphQL clients.
 */
export function authenticationMiddleware(authenticator: Authenticator, logger: Logger) {
  const required = authenticator.config.mode === 'required';
  return (request: IncomingMessage, response: ServerResponse, next: () => void) => {
    authenticator.authenticate(request).then(
      (principal) => {
        if (principal) request.principal = principal;
        else if (required) return refuse(response, 401, `Bearer realm="${REALM}"`, 'a credential is required: send "Authorization: Bearer <API key or token>"');
        else request.principal = developmentPrincipal(request);
        next();
      },
      (error: Error) => {
        if (error instanceof InvalidCredentialError) return refuse(response, 401, `Bearer realm="${REALM}", error="invalid_token", error_description="${error.message.replace(/"/g, "'")}"`, error.message);
        if (!(error instanceof IdentityProviderUnavailableError)) logger.error({ err: error }, 'authentication failed');
        else logger.warn(error.message);
        response.setHeader('retry-after', '5');
        refuse(response, 503, undefined, 'authentication is unavailable for a moment; try again');
      },
    );
  };
}

function refuse(response: ServerResponse, status: number, challenge: string | undefined, message: string): void {
  if (challenge) response.setHeader('www-authenticate', challenge);
  response.statusCode = status;
  response.setHeader('content-type', 'application/json; charset=utf-8');
  response.end(JSON.stringify({ errors: [{ message, extensions: { code: status === 401 ? 'UNAUTHENTICATED' : 'UNAVAILABLE' } }] }));
}
