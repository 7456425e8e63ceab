import { ConfigError, type Env } from '@tributary/core';
import type { ReportingTable } from '@tributary/contracts';

/** What the reporting app needs beyond what every service has. */
export interface ReportingConfig {
  /** The service that owns each table, for its side of the reconciliation. */
  sources: Record<ReportingTable, string>;
}

const OWNER_OF: Record<ReportingTable, { setting: string; fallback: string }> = {
  customers: { setting: 'CUSTOMERS_URL', fallback: 'http://localhost:4001' },
  orders: { setting: 'ORDERS_URL', fallback: 'http://localhost:4002' },
  products: { setting: 'CATALOG_URL', fallback: 'http://localhost:4003' },
};

/** `CUSTOMERS_URL`, `ORDERS_URL`, `CATALOG_URL`: the same settings as the gateway's. */
export function reportingConfigFromEnv(env: Env = process.env): ReportingConfig {
  const sources = {} as Record<ReportingTable, string>;
  for (const [table, { setting, fallback }] of Object.entries(OWNER_OF) as Array<[ReportingTable, (typeof OWNER_OF)[ReportingTable]]>) {
    const url = (env[setting] ?? fallback).replace(/\/$/, '');
    if (!/^https?:\/\/[^/]+$/.test(url)) throw new ConfigError(`${setting} must be an http(s) base URL such as ${fallback}, got ${JSON.stringify(env[setting])}`);
    sources[table] = url;
  }
  return { sources };
}
