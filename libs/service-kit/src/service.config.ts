import { randomBytes } from 'node:crypto';
import { ConfigError, integerFromEnv, logSettingsFromEnv, serviceCredentialSettingsFromEnv, switchFromEnv, type Env, type LogSettings, type ServiceCredentialSettings } from '@tributary/core';
import { exportConfigFromEnv, type ExportConfig } from '@tributary/exports';
import { projectPath, type DatabaseLocation } from '@tributary/database';
import { pumpConfigFromEnv, type PumpConfig } from '@tributary/pump-kit';

/** Everything a service reads from its environment, validated once at boot. */
export interface ServiceConfig extends LogSettings {
  /** The service's name: customers, orders, … */
  service: string;
  port: number;
  database: DatabaseLocation;
  /** HMAC secret of page tokens. Set it to the same value on every instance of a service. */
  pageTokenSecret: string;
  /** Service credentials: required on every call but /health in production; with the secret, the app's own calls carry one. */
  serviceCredential: ServiceCredentialSettings;
  /** The largest JSON body accepted. */
  bodyLimitBytes: number;
  /** Seed demo data into an empty database on start. */
  seedOnStart: boolean;
  /** The service's pumps into the reporting store. */
  pump: PumpConfig;
  /** How the app runs its export operations. */
  exports: ExportConfig;
}

/** What a service cannot run in production without, and what each is for. */
const PRODUCTION_SECRETS = {
  SERVICE_TOKEN_SECRET: 'the service credential shared by the gateway and every service, at least 32 characters',
  PAGE_TOKEN_SECRET: 'signs page tokens, the same on every instance of the service',
} as const;

/**
 * Reads a service's configuration from the environment. The only reader of
 * process.env in a service: everything else receives this object. Each app owns its
 * name and default port (its ServiceDefinition).
 *
 * - `<SERVICE>_PORT` (the app's own default: 4001 customers, 4002 orders, 4003 catalog)
 * - `<SERVICE>_DATABASE_URL`: a postgresql:// URL; without it, PGlite under `TRIBUTARY_DATA_DIR/<service>` (default `.data`),
 *   or in `<SERVICE>_DATA_DIR` when set (services that share one embedded database, as the benchmark's direct-SQL copy does)
 * - `PAGE_TOKEN_SECRET`, `BODY_LIMIT_BYTES` (262144), `LOG_LEVEL` (info),
 *   `LOG_FORMAT` (json), `SEED_ON_START` (true)
 * - `SERVICE_TOKEN_SECRET` (and `SERVICE_TOKEN_ACCEPTED_SECRET` during a rotation): see serviceCredentialSettingsFromEnv
 * - `NODE_ENV=production` refuses to start without `SERVICE_TOKEN_SECRET` and `PAGE_TOKEN_SECRET`
 * - the pumps' settings: see pumpConfigFromEnv; the exports': see exportConfigFromEnv
 */
export function serviceConfigFromEnv(service: string, defaultPort: number, env: Env = process.env, defaults: { bodyLimitBytes?: number } = {}): ServiceConfig {
  const prefix = service.toUpperCase();
  const secret = env.PAGE_TOKEN_SECRET;
  if (secret !== undefined && secret.length < 16) throw new ConfigError('PAGE_TOKEN_SECRET must have at least 16 characters');
  if (env.NODE_ENV === 'production') {
    // Every missing one at once, not one per failed start.
    const missing = Object.entries(PRODUCTION_SECRETS).filter(([name]) => !env[name]);
    if (missing.length > 0) throw new ConfigError(`NODE_ENV=production: the ${service} service needs ${missing.map(([name, what]) => `${name} (${what})`).join(' and ')}`);
  }
  return {
    service,
    port: integerFromEnv(env, `${prefix}_PORT`, defaultPort, 0, 65535),
    database: databaseLocationFromEnv(service, env),
    // Without a configured secret, tokens are valid until this process restarts.
    pageTokenSecret: secret ?? randomBytes(32).toString('base64url'),
    serviceCredential: serviceCredentialSettingsFromEnv(env),
    bodyLimitBytes: integerFromEnv(env, 'BODY_LIMIT_BYTES', defaults.bodyLimitBytes ?? 256 * 1024, 1024, 256 * 1024 * 1024),
    ...logSettingsFromEnv(env),
    seedOnStart: switchFromEnv(env, 'SEED_ON_START', true),
    pump: pumpConfigFromEnv(env),
    exports: exportConfigFromEnv(env, projectPath(env.TRIBUTARY_DATA_DIR ?? '.data')),
  };
}

/**
 * Where a service's database is: `<SERVICE>_DATABASE_URL` (PostgreSQL), else PGlite in
 * `<SERVICE>_DATA_DIR`, else under `TRIBUTARY_DATA_DIR/<service>` (default `.data`).
 */
export function databaseLocationFromEnv(service: string, env: Env = process.env): DatabaseLocation {
  const prefix = service.toUpperCase();
  const url = env[`${prefix}_DATABASE_URL`];
  if (url && !/^postgres(ql)?:\/\//.test(url)) throw new ConfigError(`${prefix}_DATABASE_URL must be a postgresql:// URL`);
  // SQL_STATEMENT_LOG: the benchmark's capture of every statement, for their plans.
  const statementLog = env.SQL_STATEMENT_LOG ? { statementLog: env.SQL_STATEMENT_LOG } : {};
  return url ? { url, ...statementLog } : { dataDir: env[`${prefix}_DATA_DIR`] ?? projectPath(env.TRIBUTARY_DATA_DIR ?? '.data', service), ...statementLog };
}
