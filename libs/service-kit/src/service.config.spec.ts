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
});
