import { describe, expect, it } from 'vitest';
import { reportingConfigFromEnv } from './reporting.config.js';

describe('reportingConfigFromEnv: the SQL readers', () => {
  it('offers the development reader only outside production, on a loopback SQL interface', () => {
    expect(reportingConfigFromEnv({}).developmentReader).toBe(true);
    expect(reportingConfigFromEnv({ REPORTING_SQL_HOST: '127.0.0.2' }).developmentReader).toBe(true);
    expect(reportingConfigFromEnv({ NODE_ENV: 'production' }).developmentReader).toBe(false);
    expect(reportingConfigFromEnv({ REPORTING_SQL_HOST: '0.0.0.0' }).developmentReader).toBe(false);
    expect(reportingConfigFromEnv({ REPORTING_SQL_HOST: '192.168.1.10' }).developmentReader).toBe(false);
    expect(reportingConfigFromEnv({ REPORTING_SQL_PORT: 'off' }).developmentReader).toBe(false);
  });

  it('keeps the admin token beside the embedded store it administers, and none for PostgreSQL', () => {
    expect(reportingConfigFromEnv({ REPORTING_DATA_DIR: '/srv/tributary/reporting' }).adminTokenFile).toBe('/srv/tributary/reporting-admin.token');
    expect(reportingConfigFromEnv({ TRIBUTARY_DATA_DIR: '/srv/data' }).adminTokenFile).toBe('/srv/data/reporting-admin.token');
    expect(reportingConfigFromEnv({ REPORTING_ADMIN_TOKEN_FILE: '/run/admin.token' }).adminTokenFile).toBe('/run/admin.token');
    expect(reportingConfigFromEnv({ REPORTING_DATABASE_URL: 'postgresql://db/reporting' }).adminTokenFile).toBeUndefined();
  });

  it('has no shared reader password any more: the role only holds the grants', () => {
    expect(reportingConfigFromEnv({ REPORTING_READER_PASSWORD: 'old shared secret' }).reader).toEqual({ role: 'reporting_reader' });
  });
});
