import { errors, jwtVerify, SignJWT } from 'jose';
import { ConfigError, type Env } from './env.util.js';

/**
 * How the apps prove to each other that a call comes from one of them: a short-lived
 * JWT (HS256, signed with the secret they share) in `Authorization: Bearer …`, with the
 * caller's name as `iss` and `aud` = SERVICE_TOKEN_AUDIENCE. A caller mints one token
 * and reuses it until shortly before it expires; a service remembers the tokens it has
 * verified until they expire. So the hot path (the gateway's thousands of calls) signs
 * and verifies nothing: one header string is sent and looked up in a map.
 */
export const SERVICE_TOKEN_AUDIENCE = 'tributary-services';
export const SERVICE_TOKEN_SECRET_MIN_LENGTH = 32;

/** A token lives this long; its caller replaces it a minute before it expires, so that no call carries one about to expire on its way. */
const TOKEN_TTL_S = 300;
const RENEW_BEFORE_S = 60;
/** Refused past this age whatever its `exp`: whoever holds the secret cannot make a token that lives for days. */
const MAX_TOKEN_AGE_S = 600;
/** Clocks of different machines differ a little. */
const CLOCK_TOLERANCE_S = 30;
/** Verified tokens remembered at most: a few per calling process and token lifetime, so far more than needed. */
const VERIFIED_CACHE_SIZE = 1000;

/** The Nest provider of an app's own credential as a caller (a ServiceCredential, or null without a secret). */
export const SERVICE_CREDENTIAL = Symbol('SERVICE_CREDENTIAL');

export interface ServiceCredentialSettings {
  /** `SERVICE_TOKEN_SECRET`: signs the app's calls and checks the calls it receives. null: none (development only). */
  secret: string | null;
  /** `SERVICE_TOKEN_ACCEPTED_SECRET`: also accepted on calls received, never used to sign; the other secret during a rotation. */
  acceptedSecrets: readonly string[];
  /**
   * A service refuses calls without a credential (`NODE_ENV=production`). In development
   * they pass, so that tests, scripts and curl work as they always did; a credential
   * that is sent is checked in every mode.
   */
  required: boolean;
}

/**
 * `SERVICE_TOKEN_SECRET` (at least 32 characters: `openssl rand -base64 32`) and, while
 * it is being replaced, `SERVICE_TOKEN_ACCEPTED_SECRET`: every app first accepts the new
 * secret beside the old one, then signs with the new one and accepts the old one, then
 * drops the old one; no call is refused on the way. Credentials are required when
 * `NODE_ENV=production`; each app's configuration refuses to start there without the secret.
 */
export function serviceCredentialSettingsFromEnv(env: Env): ServiceCredentialSettings {
  const secret = env.SERVICE_TOKEN_SECRET || null;
  const accepted = env.SERVICE_TOKEN_ACCEPTED_SECRET || null;
  for (const [name, value] of [['SERVICE_TOKEN_SECRET', secret], ['SERVICE_TOKEN_ACCEPTED_SECRET', accepted]] as const) {
    if (value !== null && value.length < SERVICE_TOKEN_SECRET_MIN_LENGTH) throw new ConfigError(`${name} must have at least ${SERVICE_TOKEN_SECRET_MIN_LENGTH} characters (openssl rand -base64 32 makes one)`);
  }
  if (accepted !== null && secret === null) throw new ConfigError('SERVICE_TOKEN_ACCEPTED_SECRET is the other secret during a rotation of SERVICE_TOKEN_SECRET: set SERVICE_TOKEN_SECRET too');
  return { secret, acceptedSecrets: accepted === null ? [] : [accepted], required: env.NODE_ENV === 'production' };
}

const keyOf = (secret: string) => new TextEncoder().encode(secret);

/**
 * A caller's credential: `authorization()` is the header value to send. The token is
 * minted on first use and reused until a minute before it expires; calls that ask
 * while a new one is being signed share that signing.
 */
export class ServiceCredential {
  private readonly key: Uint8Array;
  private current?: { authorization: Promise<string>; renewAtMs: number };

  constructor(
    secret: string,
    /** Who calls: the tokens' `iss`, for the services' logs. */
    readonly caller: string,
    private readonly now: () => number = Date.now,
  ) {
    this.key = keyOf(secret);
  }

  authorization(): Promise<string> {
    const now = this.now();
    if (this.current && now < this.current.renewAtMs) return this.current.authorization;
    const issuedAt = Math.floor(now / 1000);
    const authorization = new SignJWT({})
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(this.caller)
      .setAudience(SERVICE_TOKEN_AUDIENCE)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + TOKEN_TTL_S)
      .sign(this.key)
      .then((token) => `Bearer ${token}`);
    const current = (this.current = { authorization, renewAtMs: (issuedAt + TOKEN_TTL_S - RENEW_BEFORE_S) * 1000 });
    // A failed signing is not kept: the next call signs again.
    authorization.catch(() => {
      if (this.current === current) this.current = undefined;
    });
    return authorization;
  }
}

/** The app's credential as a caller, or null when no secret is configured (development): its calls then go without one. */
export function serviceCredentialOf(settings: ServiceCredentialSettings, caller: string): ServiceCredential | null {
  return settings.secret === null ? null : new ServiceCredential(settings.secret, caller);
}

/** `headers` with the credential's Authorization header added, when there is a credential. */
export async function withServiceCredential(credential: ServiceCredential | null | undefined, headers: Record<string, string> = {}): Promise<Record<string, string>> {
  return credential ? { ...headers, authorization: await credential.authorization() } : headers;
}

/** What a service makes of a call's Authorization header. `missing`: no credential was sent at all. */
export type ServiceCallCheck = { ok: true; caller: string } | { ok: false; missing: boolean; reason: string };

/**
 * A service's side: checks the `Authorization` header of a call. A token is verified
 * once (signature, HS256 only, audience, issuer, expiry, age) and then remembered,
 * as a string, until it expires.
 */
export class ServiceCredentialVerifier {
  private readonly keys: Uint8Array[];
  private readonly verified = new Map<string, { caller: string; untilMs: number }>();

  constructor(
    settings: Pick<ServiceCredentialSettings, 'acceptedSecrets'> & { secret: string },
    private readonly now: () => number = Date.now,
  ) {
    this.keys = [settings.secret, ...settings.acceptedSecrets].map(keyOf);
  }

  async check(authorization: string | undefined): Promise<ServiceCallCheck> {
    if (authorization === undefined || authorization === '') return { ok: false, missing: true, reason: 'a service credential is required: send "Authorization: Bearer <service token>"' };
    const match = /^Bearer +(\S+)$/i.exec(authorization);
    if (!match) return { ok: false, missing: false, reason: 'the Authorization header must be "Bearer <service token>"' };
    const token = match[1]!;
    const known = this.verified.get(token);
    if (known && known.untilMs > this.now()) return { ok: true, caller: known.caller };
    return this.verify(token);
  }

  private async verify(token: string): Promise<ServiceCallCheck> {
    for (const [index, key] of this.keys.entries()) {
      try {
        const { payload } = await jwtVerify(token, key, {
          algorithms: ['HS256'],
          audience: SERVICE_TOKEN_AUDIENCE,
          requiredClaims: ['iss', 'iat', 'exp'],
          maxTokenAge: MAX_TOKEN_AGE_S,
          clockTolerance: CLOCK_TOLERANCE_S,
          currentDate: new Date(this.now()),
        });
        if (typeof payload.iss !== 'string' || payload.iss === '') return { ok: false, missing: false, reason: 'the service token names no caller (iss)' };
        this.remember(token, payload.iss, Math.min(payload.exp!, payload.iat! + MAX_TOKEN_AGE_S) * 1000);
        return { ok: true, caller: payload.iss };
      } catch (error) {
        // Signed with another secret: the next one accepted may be it.
        if (error instanceof errors.JWSSignatureVerificationFailed && index < this.keys.length - 1) continue;
        return { ok: false, missing: false, reason: reasonOf(error) };
      }
    }
    return { ok: false, missing: false, reason: 'no secret to verify the service token with' };
  }

  private remember(token: string, caller: string, untilMs: number): void {
    if (this.verified.size >= VERIFIED_CACHE_SIZE) {
      const now = this.now();
      for (const [known, entry] of this.verified) if (entry.untilMs <= now) this.verified.delete(known);
      if (this.verified.size >= VERIFIED_CACHE_SIZE) this.verified.clear();
    }
    this.verified.set(token, { caller, untilMs });
  }
}

function reasonOf(error: unknown): string {
  if (error instanceof errors.JWTExpired) return 'the service token has expired';
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the service token is not signed with this service\'s SERVICE_TOKEN_SECRET';
  if (error instanceof errors.JOSEAlgNotAllowed) return 'the service token must be signed with HS256';
  if (error instanceof errors.JWTClaimValidationFailed) return `the service token's ${error.claim} claim is not valid: ${error.message}`;
  if (error instanceof errors.JOSEError) return `the service token is not a valid JWT: ${error.message}`;
  throw error;
}
