import { basename, dirname, join } from 'node:path';
import { baseUrlFromEnv, ConfigError, integerFromEnv, type Env } from '@tributary/core';
import { databaseLocationFromEnv } from '@tributary/service-kit';
import type { ReportingTable } from '@tributary/contracts';
import { eventBusFromEnv, type EventBusSettings } from '@tributary/pump-kit';

/** What the reporting app needs beyond what every service has. */
export interface ReportingConfig {
  /** The service that owns each table, for its side of the reconciliation. */
  sources: Record<ReportingTable, string>;
  /** The SQL interface of the embedded store (PostgreSQL wire protocol); null: none. */
  sql: { port: number; host: string } | null;
  /** The role that holds the readers' grants (reporting_v1 only); each reader is a role of its own, a member of it (npm run sql-reader). */
  reader: { role: string };
  /** The embedded store makes the development reader (developer/developer): never in production, only on a loopback SQL interface. */
  developmentReader?: boolean;
  /** Where the app writes the token `npm run sql-reader` administers the embedded store's readers with; absent: no such administration. */
  adminTokenFile?: string;
  /** Each table's pump writes as `<prefix><table>`, a role that may write that table and its checkpoint only. */
  pumpRolePrefix: string;
  /** With a NATS URL, the store consumes each service's event stream as the durable consumer `consumerName`. */
  events: { bus: EventBusSettings; consumerName: string };
}

const OWNER_OF: Record<ReportingTable, { setting: string; fallback: string }> = {
  customers: { setting: 'CUSTOMERS_URL', fallback: 'http://localhost:4001' },
  orders: { setting: 'ORDERS_URL', fallback: 'http://localhost:4002' },
  products: { setting: 'CATALOG_URL', fallback: 'http://localhost:4003' },
  rates: { setting: 'ORDERS_URL', fallback: 'http://localhost:4002' },
};

/**
 * `CUSTOMERS_URL`, `ORDERS_URL`, `CATALOG_URL` (the same settings as the gateway's);
 * `REPORTING_SQL_PORT` (5433; `off`: no SQL interface), `REPORTING_SQL_HOST` (127.0.0.1);
 * `REPORTING_READER_ROLE` (reporting_reader); `REPORTING_ADMIN_TOKEN_FILE` (beside the
 * embedded store's data directory: .data/reporting-admin.token); `NODE_ENV` (production: no development reader);
 * `REPORTING_PUMP_ROLE_PREFIX` (tributary_pump_); the broker's settings (eventBusFromEnv) and
 * `NATS_CONSUMER` (reporting), the durable consumer's name.
 */
export function reportingConfigFromEnv(env: Env = process.env): ReportingConfig {
  const sources = {} as Record<ReportingTable, string>;
  for (const [table, { setting, fallback }] of Object.entries(OWNER_OF) as Array<[ReportingTable, (typeof OWNER_OF)[ReportingTable]]>) {
    sources[table] = baseUrlFromEnv(env, setting, fallback);
  }
  const role = env.REPORTING_READER_ROLE ?? 'reporting_reader';
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(role)) throw new ConfigError(`REPORTING_READER_ROLE must be a lower-case SQL name, got ${JSON.stringify(role)}`);
  const sql = env.REPORTING_SQL_PORT === 'off' ? null : { port: integerFromEnv(env, 'REPORTING_SQL_PORT', 5433, 0, 65535), host: env.REPORTING_SQL_HOST ?? '127.0.0.1' };
  const pumpRolePrefix = env.REPORTING_PUMP_ROLE_PREFIX ?? 'tributary_pump_';
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(pumpRolePrefix)) throw new ConfigError(`REPORTING_PUMP_ROLE_PREFIX must be a lower-case SQL name of at most 41 characters, got ${JSON.stringify(pumpRolePrefix)}`);
  const consumerName = env.NATS_CONSUMER ?? 'reporting';
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(consumerName)) throw new ConfigError(`NATS_CONSUMER must be letters, digits, _ or -, got ${JSON.stringify(consumerName)}`);
  return {
    sources,
    sql,
    reader: { role },
    developmentReader: env.NODE_ENV !== 'production' && sql !== null && isLoopback(sql.host),
    ...adminTokenFileFromEnv(env),
    pumpRolePrefix,
    events: { bus: eventBusFromEnv(env), consumerName },
  };
}

/** A known password is offered only where no other machine can reach it. */
const isLoopback = (host: string) => host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host);

/** The token goes with the store it administers; PostgreSQL's readers are made on the server, with no token. */
function adminTokenFileFromEnv(env: Env): Pick<ReportingConfig, 'adminTokenFile'> {
  if (env.REPORTING_ADMIN_TOKEN_FILE) return { adminTokenFile: env.REPORTING_ADMIN_TOKEN_FILE };
  const { dataDir } = databaseLocationFromEnv('reporting', env);
  return dataDir ? { adminTokenFile: join(dirname(dataDir), `${basename(dataDir)}-admin.token`) } : {};
}
