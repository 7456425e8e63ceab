import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, integerFromEnv, projectPath, logSettingsFromEnv, serviceCredentialSettingsFromEnv, switchFromEnv, type Env, type LogSettings, type ServiceCredentialSettings } from '@tributary/core';
import { authConfigFromEnv, type AuthConfig } from './auth/auth.config.js';
import { DOWNSTREAM_NAMES, DOWNSTREAM_SERVICES, type DownstreamName } from './downstream/downstream-services.js';
import { rateLimitConfigFromEnv, type RateLimitConfig } from './limits/rate-limit.config.js';
import { trustedDocumentsFromEnv, type TrustedDocumentManifest } from './limits/trusted-documents.js';

/** Everything the gateway reads from its environment, validated once at boot. */
export interface GatewayConfig extends LogSettings {
  port: number;
  /** Base URL of each service, e.g. http://localhost:4001. */
  services: Record<DownstreamName, string>;
  /** The reporting app, which answers reports from its store; null: every report is live. */
  reportingUrl: string | null;
  /** off: every key is its own downstream call, the naive baseline for tests and benchmarks. */
  batching: boolean;
  /** Execute operations with graphql-jit (compiled once per document) rather than graphql-js's interpreter. */
  compiledExecution: boolean;
  /** Report per-request downstream calls and keys in `extensions.downstream`. */
  downstreamExtension: boolean;
  /** Timeout of one downstream HTTP attempt. */
  downstreamTimeoutMs: number;
  /** Attempts of an idempotent downstream call, the first included. */
  downstreamAttempts: number;
  /** Consecutive failures that open a service's circuit, and how long it stays open. */
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  /** Requests per client, a token bucket shared in Redis or kept in memory (see rateLimitConfigFromEnv); null: RATE_LIMIT=off. */
  rateLimit: RateLimitConfig | null;
  /** The only documents accepted, from the manifest at `TRUSTED_DOCUMENTS`; null (unset): any document. */
  trustedDocuments: TrustedDocumentManifest | null;
  /** Introspection and the playground; off in production. */
  development: boolean;
  /** HMAC secret of connection cursors. Set it to the same value on every gateway replica. */
  cursorSecret: string;
  /** `SERVICE_TOKEN_SECRET`: the credential the gateway's calls to the services carry (required in production). */
  serviceCredential: ServiceCredentialSettings;
  /** Who may call: API keys, JWTs, and whether development requests without a credential pass. */
  auth: AuthConfig;
  /** `GATEWAY_PUBLIC_URL`: the gateway as its clients reach it, for absolute download links; null: links relative to the gateway (`/exports/files/…`). */
  publicUrl: string | null;
  /** `DASHBOARD_DIR`: the built dashboard (`npm run build:dashboard`), served at /dashboard; an absolute path. */
  dashboardDir: string;
}

function url(env: Env, name: string, fallback: string): string {
  const raw = env[name] ?? fallback;
  if (!/^https?:\/\/[^/]+$/.test(raw.replace(/\/$/, ''))) throw new ConfigError(`${name} must be an http(s) base URL such as ${fallback}, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/$/, '');
}

/** A base URL that may carry a path (a gateway behind a proxy, under a prefix), without a query or fragment. */
function publicUrl(env: Env): string | null {
  const raw = env.GATEWAY_PUBLIC_URL;
  if (!raw) return null;
  if (!/^https?:\/\/[^/?#\s]+(\/[^?#\s]*)?$/.test(raw)) throw new ConfigError(`GATEWAY_PUBLIC_URL must be an http(s) URL such as https://api.example.com or https://example.com/tributary, without a query, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/+$/, '');
}

/**
 * Where the built dashboard is: `dist/dashboard` by default, which may not exist yet (the
 * gateway then says how to build it at /dashboard). A directory that is named must be one.
 */
function dashboardDir(env: Env): string {
  const raw = env.DASHBOARD_DIR;
  if (raw === undefined) return projectPath('dist', 'dashboard');
  if (raw.trim() === '') throw new ConfigError('DASHBOARD_DIR must name a directory (the output of npm run build:dashboard), got an empty value');
  const dir = resolve(raw);
  const stat = statSync(dir, { throwIfNoEntry: false });
  if (!stat?.isDirectory()) throw new ConfigError(`DASHBOARD_DIR must be a directory that holds the built dashboard (npm run build:dashboard), and ${dir} ${stat ? 'is not a directory' : 'does not exist'}`);
  return dir;
}

/**
 * Reads the gateway's configuration; the only reader of process.env in the gateway.
 * `GATEWAY_PORT` (4000), `CUSTOMERS_URL`, `ORDERS_URL`, `CATALOG_URL` (the services' default
 * ports on localhost), `REPORTING_URL` (http://localhost:4004; `off`: no reporting store), `TRIBUTARY_BATCHING` (on), `COMPILED_EXECUTION` (on), `DOWNSTREAM_EXTENSION` (on),
 * `DOWNSTREAM_TIMEOUT_MS` (5000), `DOWNSTREAM_ATTEMPTS` (3), `BREAKER_THRESHOLD` (5),
 * `BREAKER_HALF_OPEN_AFTER_MS` (5000), `CURSOR_SECRET`, `NODE_ENV`, `LOG_LEVEL`, `LOG_FORMAT`;
 * who may call: see authConfigFromEnv; `TRUSTED_DOCUMENTS` (unset; a manifest's path: only its documents are accepted);
 * `GATEWAY_PUBLIC_URL` (unset: export download links are relative to the gateway);
 * `DASHBOARD_DIR` (the project's dist/dashboard; a relative path is from the working directory).
 */
export function gatewayConfigFromEnv(env: Env = process.env): GatewayConfig {
  const services = Object.fromEntries(DOWNSTREAM_NAMES.map((service) => [service, url(env, `${service.toUpperCase()}_URL`, DOWNSTREAM_SERVICES[service])])) as Record<DownstreamName, string>;
  const cursorSecret = env.CURSOR_SECRET;
  if (cursorSecret !== undefined && cursorSecret.length < 16) throw new ConfigError('CURSOR_SECRET must have at least 16 characters');
  const development = env.NODE_ENV !== 'production';
  // Production names every secret it lacks at once, not one per failed start.
  if (!development) {
    const missing = [cursorSecret ? undefined : 'CURSOR_SECRET (the page-token secret, the same on every replica)', env.API_KEYS_FILE ? undefined : 'API_KEYS_FILE (the API key store)', env.SERVICE_TOKEN_SECRET ? undefined : 'SERVICE_TOKEN_SECRET (the service credential, shared with the services)'].filter(Boolean);
    if (missing.length > 0) throw new ConfigError(`NODE_ENV=production needs ${missing.join(' and ')}`);
  }
  return {
    port: integerFromEnv(env, 'GATEWAY_PORT', 4000, 0, 65535),
    services,
    reportingUrl: env.REPORTING_URL === 'off' ? null : url(env, 'REPORTING_URL', 'http://localhost:4004'),
    batching: switchFromEnv(env, 'TRIBUTARY_BATCHING', true),
    compiledExecution: switchFromEnv(env, 'COMPILED_EXECUTION', true),
    downstreamExtension: switchFromEnv(env, 'DOWNSTREAM_EXTENSION', true),
    downstreamTimeoutMs: integerFromEnv(env, 'DOWNSTREAM_TIMEOUT_MS', 5000, 10, 600_000),
    downstreamAttempts: integerFromEnv(env, 'DOWNSTREAM_ATTEMPTS', 3, 1, 10),
    breakerThreshold: integerFromEnv(env, 'BREAKER_THRESHOLD', 5, 1, 1000),
    breakerHalfOpenAfterMs: integerFromEnv(env, 'BREAKER_HALF_OPEN_AFTER_MS', 5000, 10, 600_000),
    rateLimit: rateLimitConfigFromEnv(env),
    trustedDocuments: trustedDocumentsFromEnv(env),
    development,
    auth: authConfigFromEnv(env, development),
    // Without a configured secret, cursors are valid until this process restarts.
    cursorSecret: cursorSecret ?? randomBytes(32).toString('base64url'),
    serviceCredential: serviceCredentialSettingsFromEnv(env),
    publicUrl: publicUrl(env),
    dashboardDir: dashboardDir(env),
    ...logSettingsFromEnv(env),
  };
}
