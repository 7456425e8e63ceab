import { randomBytes } from 'node:crypto';
import type { DatabaseLocation } from '@tributary/database';
import { projectPath } from '@tributary/database';

export const SERVICE_PORTS = { customers: 4001, orders: 4002, catalog: 4003 } as const;
export type ServiceName = keyof typeof SERVICE_PORTS;

/** Everything a service reads from its environment, validated once at boot. */
export interface ServiceConfig {
  service: ServiceName;
  port: number;
  database: DatabaseLocation;
  /** HMAC secret of page tokens. Set it to the same value on every instance of a service. */
  pageTokenSecret: string;
  /** How far behind now list pages read (see KeysetWindow). */
  listSafetyMarginMs: number;
  /** The largest JSON body accepted. */
  bodyLimitBytes: number;
  logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** json: one JSON object per line, for log shippers; pretty: for people watching `npm start`. */
  logFormat: 'json' | 'pretty';
  /** Seed demo data into an empty database on start. */
  seedOnStart: boolean;
}

export class ConfigError extends Error {}

type Env = Readonly<Record<string, string | undefined>>;

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be true or false, got ${JSON.stringify(env[name])}`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/**
 * Reads a service's configuration from the environment. The only reader of
 * process.env in a service: everything else receives this object.
 *
 * - `<SERVICE>_PORT` (4001 customers, 4002 orders, 4003 catalog)
 * - `<SERVICE>_DATABASE_URL`: a postgresql:// URL; without it, PGlite under `TRIBUTARY_DATA_DIR/<service>` (default `.data`)
 * - `PAGE_TOKEN_SECRET`, `LIST_SAFETY_MARGIN_MS` (1000), `BODY_LIMIT_BYTES` (262144), `LOG_LEVEL` (info),
 *   `LOG_FORMAT` (json), `SEED_ON_START` (true)
 */
export function serviceConfigFromEnv(service: ServiceName, env: Env = process.env): ServiceConfig {
  const prefix = service.toUpperCase();
  const url = env[`${prefix}_DATABASE_URL`];
  if (url && !/^postgres(ql)?:\/\//.test(url)) throw new ConfigError(`${prefix}_DATABASE_URL must be a postgresql:// URL`);
  const logLevel = (env.LOG_LEVEL ?? 'info') as ServiceConfig['logLevel'];
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = (env.LOG_FORMAT ?? 'json') as ServiceConfig['logFormat'];
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new ConfigError('LOG_FORMAT must be json or pretty');
  const secret = env.PAGE_TOKEN_SECRET;
  if (secret !== undefined && secret.length < 16) throw new ConfigError('PAGE_TOKEN_SECRET must have at least 16 characters');
  return {
    service,
    port: integer(env, `${prefix}_PORT`, SERVICE_PORTS[service], 0, 65535),
    database: url ? { url } : { dataDir: projectPath(env.TRIBUTARY_DATA_DIR ?? '.data', service) },
    // Without a configured secret, tokens are valid until this process restarts.
    pageTokenSecret: secret ?? randomBytes(32).toString('base64url'),
    listSafetyMarginMs: integer(env, 'LIST_SAFETY_MARGIN_MS', 1000, 0, 600_000),
    bodyLimitBytes: integer(env, 'BODY_LIMIT_BYTES', 256 * 1024, 1024, 64 * 1024 * 1024),
    logLevel,
    logFormat,
    seedOnStart: boolean(env, 'SEED_ON_START', true),
  };
}
