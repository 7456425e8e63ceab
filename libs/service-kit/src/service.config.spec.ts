import { describe, expect, it } from 'vitest';
import { serviceConfigFromEnv } from './service.config.js';

describe('serviceConfigFromEnv', () => {
  it('runs on embedded PGlite under .data by default, on PostgreSQL with a URL', () => {
    const embedded = serviceConfigFromEnv('orders', 4002, {});
    expect(embedded).toMatchObject({ port: 4002, seedOnStart: true, logLevel: 'info', logFormat: 'json' });
    expect(embedded.database.dataDir).toMatch(/\.data\/orders$/);
    expect(serviceConfigFromEnv('orders', 4002, { ORDERS_DATABASE_URL: 'postgresql://db/orders' }).database).toEqual({ url: 'postgresql://db/orders' });
    expect(serviceConfigFromEnv('orders', 4002, { ORDERS_DATA_DIR: '/tmp/shared', TRIBUTARY_DATA_DIR: '/tmp/x' }).database).toEqual({ dataDir: '/tmp/shared' });
  });

  it.each([
    [{ ORDERS_PORT: 'eighty' }, 'ORDERS_PORT must be an integer from 0 to 65535'],
    [{ ORDERS_DATABASE_URL: 'mysql://db' }, 'ORDERS_DATABASE_URL must be a postgresql:// URL'],
    [{ PAGE_TOKEN_SECRET: 'short' }, 'PAGE_TOKEN_SECRET must have at least 16 characters'],
    [{ SEED_ON_START: 'maybe' }, 'SEED_ON_START must be on or off'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL must be one of'],
  ])('refuses %j at boot, naming the variable', (env, message) => {
    expect(() => serviceConfigFromEnv('orders', 4002, env)).toThrow(message);
  });

  it('refuses production mode without its secrets, naming each one missing, and runs with them', () => {
    expect(() => serviceConfigFromEnv('orders', 4002, { NODE_ENV: 'production' })).toThrow(/NODE_ENV=production: the orders service needs SERVICE_TOKEN_SECRET \(.+\) and PAGE_TOKEN_SECRET \(.+\)$/);
    expect(() => serviceConfigFromEnv('orders', 4002, { NODE_ENV: 'production', PAGE_TOKEN_SECRET: 'a-page-token-secret' })).toThrow(/needs SERVICE_TOKEN_SECRET \([^)]+\)$/);
    const secret = 'a-service-token-secret-of-32-characters+';
    expect(serviceConfigFromEnv('orders', 4002, { NODE_ENV: 'production', PAGE_TOKEN_SECRET: 'a-page-token-secret', SERVICE_TOKEN_SECRET: secret }).serviceCredential).toEqual({ secret, acceptedSecrets: [], required: true });
  });
});
