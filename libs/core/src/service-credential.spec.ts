import { SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { ConfigError } from './env.util.js';
import { SERVICE_TOKEN_AUDIENCE, ServiceCredential, ServiceCredentialVerifier, serviceCredentialSettingsFromEnv } from './service-credential.js';

const SECRET = 'a-service-token-secret-of-32-characters+';
const NEXT_SECRET = 'the-next-service-token-secret-32-characters';
const START = Date.parse('2026-06-01T12:00:00Z');

/** A clock the test moves. */
function clock() {
  let now = START;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('ServiceCredential', () => {
  it('mints one token and reuses it until a minute before it expires, then mints the next', async () => {
    const time = clock();
    const credential = new ServiceCredential(SECRET, 'gateway', time.now);
    const first = await credential.authorization();
    expect(first).toMatch(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
    time.advance(3 * 60_000);
    expect(await credential.authorization()).toBe(first);
    time.advance(60_000 + 1000);
    const second = await credential.authorization();
    expect(second).not.toBe(first);
    const claims = JSON.parse(Buffer.from(second.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    expect(claims).toEqual({ iss: 'gateway', aud: SERVICE_TOKEN_AUDIENCE, iat: expect.any(Number), exp: (claims.iat as number) + 300 });
  });

  it('signs once for calls that ask at the same moment', async () => {
    const credential = new ServiceCredential(SECRET, 'gateway');
    const [a, b, c] = await Promise.all([credential.authorization(), credential.authorization(), credential.authorization()]);
    expect(new Set([a, b, c]).size).toBe(1);
  });
});

describe('ServiceCredentialVerifier', () => {
  it('accepts a token of the shared secret and names its caller; refuses it once expired, though it was verified before', async () => {
    const time = clock();
    const verifier = new ServiceCredentialVerifier({ secret: SECRET, acceptedSecrets: [] }, time.now);
    const authorization = await new ServiceCredential(SECRET, 'orders', time.now).authorization();
    expect(await verifier.check(authorization)).toEqual({ ok: true, caller: 'orders' });
    time.advance(4 * 60_000);
    expect(await verifier.check(authorization)).toEqual({ ok: true, caller: 'orders' });
    // Past exp and the clock tolerance: the remembered verification does not outlive the token.
    time.advance(2 * 60_000);
    expect(await verifier.check(authorization)).toEqual({ ok: false, missing: false, reason: 'the service token has expired' });
  });

  it('refuses a token that would live for days, past the maximum age, whoever signed it', async () => {
    const time = clock();
    const verifier = new ServiceCredentialVerifier({ secret: SECRET, acceptedSecrets: [] }, time.now);
    const iat = Math.floor(START / 1000);
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer('gateway').setAudience(SERVICE_TOKEN_AUDIENCE).setIssuedAt(iat).setExpirationTime(iat + 7 * 86_400).sign(new TextEncoder().encode(SECRET));
    expect((await verifier.check(`Bearer ${token}`)).ok).toBe(true);
    time.advance(12 * 60_000);
    expect(await verifier.check(`Bearer ${token}`)).toEqual({ ok: false, missing: false, reason: 'the service token has expired' });
  });

  it('says whether a credential is missing or wrong', async () => {
    const verifier = new ServiceCredentialVerifier({ secret: SECRET, acceptedSecrets: [] });
    expect(await verifier.check(undefined)).toMatchObject({ ok: false, missing: true });
    expect(await verifier.check('Bearer not.a.jwt')).toMatchObject({ ok: false, missing: false });
    expect(await verifier.check(await new ServiceCredential(NEXT_SECRET, 'x').authorization())).toEqual({
      ok: false,
      missing: false,
      reason: "the service token is not signed with this service's SERVICE_TOKEN_SECRET",
    });
  });

  it('during a rotation, accepts tokens of either secret', async () => {
    const [old, next] = await Promise.all([new ServiceCredential(SECRET, 'old').authorization(), new ServiceCredential(NEXT_SECRET, 'next').authorization()]);
    const rotating = new ServiceCredentialVerifier({ secret: NEXT_SECRET, acceptedSecrets: [SECRET] });
    expect(await rotating.check(old)).toEqual({ ok: true, caller: 'old' });
    expect(await rotating.check(next)).toEqual({ ok: true, caller: 'next' });
    expect((await new ServiceCredentialVerifier({ secret: NEXT_SECRET, acceptedSecrets: [] }).check(old)).ok).toBe(false);
  });
});

describe('serviceCredentialSettingsFromEnv', () => {
  it('has no secret unless one is set, an empty one included; requires credentials in production only', () => {
    expect(serviceCredentialSettingsFromEnv({})).toEqual({ secret: null, acceptedSecrets: [], required: false });
    expect(serviceCredentialSettingsFromEnv({ SERVICE_TOKEN_SECRET: '' })).toEqual({ secret: null, acceptedSecrets: [], required: false });
    expect(serviceCredentialSettingsFromEnv({ SERVICE_TOKEN_SECRET: SECRET, SERVICE_TOKEN_ACCEPTED_SECRET: NEXT_SECRET })).toEqual({ secret: SECRET, acceptedSecrets: [NEXT_SECRET], required: false });
    expect(serviceCredentialSettingsFromEnv({ SERVICE_TOKEN_SECRET: SECRET, NODE_ENV: 'production' })).toEqual({ secret: SECRET, acceptedSecrets: [], required: true });
  });

  it.each([
    [{ SERVICE_TOKEN_SECRET: 'short' }, 'SERVICE_TOKEN_SECRET must have at least 32 characters'],
    [{ SERVICE_TOKEN_SECRET: SECRET, SERVICE_TOKEN_ACCEPTED_SECRET: 'short' }, 'SERVICE_TOKEN_ACCEPTED_SECRET must have at least 32 characters'],
    [{ SERVICE_TOKEN_ACCEPTED_SECRET: NEXT_SECRET }, 'set SERVICE_TOKEN_SECRET too'],
  ])('refuses %j, naming the setting', (env, message) => {
    expect(() => serviceCredentialSettingsFromEnv(env)).toThrow(ConfigError);
    expect(() => serviceCredentialSettingsFromEnv(env)).toThrow(message);
  });
});
