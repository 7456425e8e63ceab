import { ConfigError, SERVICE_PORTS, type ServiceName } from '@tributary/service-kit';

/** Everything the gateway reads from its environment, validated once at boot. */
export interface GatewayConfig {
  port: number;
  /** Base URL of each service, e.g. http://localhost:4001. */
  services: Record<ServiceName, string>;
  /** off: every key is its own downstream call, the naive baseline for tests and benchmarks. */
  batching: boolean;
  /** Report per-request downstream calls and keys in `extensions.downstream`. */
  downstreamExtension: boolean;
  /** Timeout of one downstream HTTP attempt. */
  downstreamTimeoutMs: number;
  /** Attempts of an idempotent downstream call, the first included. */
  downstreamAttempts: number;
  /** Consecutive failures that open a service's circuit, and how long it stays open. */
  breakerThreshold: number;
  breakerHalfOpenAfterMs: number;
  /** Introspection and the playground; off in production. */
  development: boolean;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  logFormat: 'json' | 'pretty';
}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  return value;
}

function onOff(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['on', 'true', '1', 'yes'].includes(raw)) return true;
  if (['off', 'false', '0', 'no'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off, got ${JSON.stringify(env[name])}`);
}

function url(env: Env, name: string, fallback: string): string {
  const raw = env[name] ?? fallback;
  if (!/^https?:\/\/[^/]+$/.test(raw.replace(/\/$/, ''))) throw new ConfigError(`${name} must be an http(s) base URL such as ${fallback}, got ${JSON.stringify(raw)}`);
  return raw.replace(/\/$/, '');
}

/**
 * Reads the gateway's configuration; the only reader of process.env in the gateway.
 * `GATEWAY_PORT` (4000), `CUSTOMERS_URL`, `ORDERS_URL`, `CATALOG_URL` (the services' default
 * ports on localhost), `TRIBUTARY_BATCHING` (on), `DOWNSTREAM_EXTENSION` (on),
 * `DOWNSTREAM_TIMEOUT_MS` (5000), `DOWNSTREAM_ATTEMPTS` (3), `BREAKER_THRESHOLD` (5),
 * `BREAKER_HALF_OPEN_AFTER_MS` (5000), `NODE_ENV`, `LOG_LEVEL`, `LOG_FORMAT`.
 */
export function gatewayConfigFromEnv(env: Env = process.env): GatewayConfig {
  const services = Object.fromEntries(
    (Object.keys(SERVICE_PORTS) as ServiceName[]).map((service) => [service, url(env, `${service.toUpperCase()}_URL`, `http://localhost:${SERVICE_PORTS[service]}`)]),
  ) as Record<ServiceName, string>;
  const logLevel = (env.LOG_LEVEL ?? 'info') as GatewayConfig['logLevel'];
  const logFormat = (env.LOG_FORMAT ?? 'json') as GatewayConfig['logFormat'];
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new ConfigError('LOG_FORMAT must be json or pretty');
  return {
    port: integer(env, 'GATEWAY_PORT', 4000, 0, 65535),
    services,
    batching: onOff(env, 'TRIBUTARY_BATCHING', true),
    downstreamExtension: onOff(env, 'DOWNSTREAM_EXTENSION', true),
    downstreamTimeoutMs: integer(env, 'DOWNSTREAM_TIMEOUT_MS', 5000, 10, 600_000),
    downstreamAttempts: integer(env, 'DOWNSTREAM_ATTEMPTS', 3, 1, 10),
    breakerThreshold: integer(env, 'BREAKER_THRESHOLD', 5, 1, 1000),
    breakerHalfOpenAfterMs: integer(env, 'BREAKER_HALF_OPEN_AFTER_MS', 5000, 10, 600_000),
    development: env.NODE_ENV !== 'production',
    logLevel,
    logFormat,
  };
}
