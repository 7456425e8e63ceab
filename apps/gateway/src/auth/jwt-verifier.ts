import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload } from 'jose';
import type { JwtIssuerSettings } from './auth.config.js';
import { isRole, type Principal, type Role } from './principal.js';

/** Asymmetric signatures only: the gateway holds no secret that could sign a token, and `none` or HS256 with a public key as secret are refused. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];
/** Verified tokens kept until they expire, so a dashboard's every request does not pay for a signature check. */
const MAX_REMEMBERED_TOKENS = 10_000;
const CLOCK_TOLERANCE_SECONDS = 5;

/** A credential that proves nothing: the client's fault, answered 401 with this description. */
export class InvalidCredentialError extends Error {}
/** The identity provider's keys cannot be fetched: not the client's fault, answered 503. */
export class IdentityProviderUnavailableError extends Error {}

/** Verifies bearer JWTs from one identity provider, against the keys it publishes (JWKS, fetched and cached by jose). */
export class JwtVerifier {
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly remembered = new Map<string, { principal: Principal; expiresAtMs: number }>();

  constructor(private readonly settings: JwtIssuerSettings) {
    this.keys = createRemoteJWKSet(new URL(settings.jwksUrl), { timeoutDuration: 2000, cooldownDuration: 30_000 });
  }

  async verify(token: string): Promise<Principal> {
    const known = this.remembered.get(token);
    if (known && known.expiresAtMs > Date.now()) return known.principal;
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
        requiredClaims: ['sub', 'exp'],
      }));
    } catch (error) {
      throw describe(error);
    }
    const principal = this.principalOf(payload);
    if (this.remembered.size >= MAX_REMEMBERED_TOKENS) this.remembered.clear();
    this.remembered.set(token, { principal, expiresAtMs: payload.exp! * 1000 });
    return principal;
  }

  private principalOf(payload: JWTPayload): Principal {
    const claim = payload[this.settings.rolesClaim];
    const roles = (Array.isArray(claim) ? claim : [claim]).filter(isRole) as Role[];
    if (roles.length === 0) throw new InvalidCredentialError(`the token's ${this.settings.rolesClaim} claim names no role of this gateway (reporter, exporter, placer, admin)`);
    return { subject: payload.sub!, clientId: `jwt:${payload.iss}#${payload.sub}`, roles, via: 'jwt' };
  }
}

function describe(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new InvalidCredentialError('the token has expired');
  if (error instanceof errors.JWTClaimValidationFailed) return new InvalidCredentialError(`the token's ${error.claim} claim is not accepted: ${error.message}`);
  if (error instanceof errors.JOSEAlgNotAllowed) return new InvalidCredentialError('the token is not signed with an accepted algorithm');
  if (error instanceof errors.JWSSignatureVerificationFailed) return new InvalidCredentialError('the token signature is not valid');
  if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) return new InvalidCredentialError('the token is not signed by a key of the identity provider');
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid || (error instanceof Error && !(error instanceof errors.JOSEError))) {
    return new IdentityProviderUnavailableError(`cannot read the identity provider's keys: ${(error as Error).message}`);
  }
  return new InvalidCredentialError('the token is not a valid JWT');
}
