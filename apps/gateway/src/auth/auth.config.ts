import { ConfigError, projectPath, type Env } from '@tributary/core';

/** An identity provider whose JWTs the gateway accepts. */
export interface JwtIssuerSettings {
  issuer: string;
  audience: string;
  /** Where its signing keys are published (a JWKS document). */
  jwksUrl: string;
  /** The claim that holds the client's roles: a role name or an array of them. */
  rolesClaim: string;
}

export interface AuthConfig {
  /**
   * open: a request without a credential is served as the development principal, with
   * every role (development only); a credential that is sent is checked all the same.
   * required: every request to /graphql needs a valid credential.
   */
  mode: 'open' | 'required';
  /** The API key store: a JSON file of hashed keys, shared by the replicas and `npm run apikey`. */
  apiKeysFile: string;
  jwt: JwtIssuerSettings | null;
}

/**
 * `GATEWAY_AUTH` (open in development; production is always required), `API_KEYS_FILE`
 * (.data/gateway/api-keys.json), and for JWTs all of `JWT_ISSUER`, `JWT_AUDIENCE`,
 * `JWT_JWKS_URL`, with `JWT_ROLES_CLAIM` (roles).
 */
export function authConfigFromEnv(env: Env, development: boolean): AuthConfig {
  const mode = env.GATEWAY_AUTH ?? (development ? 'open' : 'required');
  if (mode !== 'open' && mode !== 'required') throw new ConfigError(`GATEWAY_AUTH must be open or required, got ${JSON.stringify(mode)}`);
  if (mode === 'open' && !development) throw new ConfigError('GATEWAY_AUTH=open is for development only: NODE_ENV=production requires a credential on every request');
  return { mode, apiKeysFile: env.API_KEYS_FILE ?? projectPath(env.TRIBUTARY_DATA_DIR ?? '.data', 'gateway', 'api-keys.json'), jwt: jwtSettingsFromEnv(env) };
}

function jwtSettingsFromEnv(env: Env): JwtIssuerSettings | null {
  const names = ['JWT_ISSUER', 'JWT_AUDIENCE', 'JWT_JWKS_URL'] as const;
  const missing = names.filter((name) => !env[name]);
  if (missing.length === names.length) return null;
  if (missing.length > 0) throw new ConfigError(`JWT bearer tokens need ${names.join(', ')}; missing: ${missing.join(', ')}`);
  const jwksUrl = env.JWT_JWKS_URL!;
  if (!/^https?:\/\//.test(jwksUrl)) throw new ConfigError(`JWT_JWKS_URL must be an http(s) URL, got ${JSON.stringify(jwksUrl)}`);
  return { issuer: env.JWT_ISSUER!, audience: env.JWT_AUDIENCE!, jwksUrl, rolesClaim: env.JWT_ROLES_CLAIM ?? 'roles' };
}
