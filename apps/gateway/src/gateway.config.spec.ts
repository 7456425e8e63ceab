import { describe, expect, it } from 'vitest';
import { gatewayConfigFromEnv } from './gateway.config.js';

describe('gatewayConfigFromEnv', () => {
  it('defaults to the services on localhost, batching on, development mode', () => {
    expect(gatewayConfigFromEnv({})).toMatchObject({
      port: 4000,
      services: { customers: 'http://localhost:4001', orders: 'http://localhost:4002', catalog: 'http://localhost:4003' },
      batching: true,
      downstreamExtension: true,
      development: true,
    });
  });

  it('turns batching off for the naive baseline, and the playground off in production', () => {
    expect(gatewayConfigFromEnv({ TRIBUTARY_BATCHING: 'off', NODE_ENV: 'production' })).toMatchObject({ batching: false, development: false });
  });

  it.each([
    [{ TRIBUTARY_BATCHING: 'sometimes' }, 'TRIBUTARY_BATCHING must be on or off'],
    [{ ORDERS_URL: 'orders:4002' }, 'ORDERS_URL must be an http(s) base URL'],
    [{ DOWNSTREAM_ATTEMPTS: '0' }, 'DOWNSTREAM_ATTEMPTS must be an integer from 1 to 10'],
  ])('refuses %j at boot, naming the variable', (env, message) => {
    expect(() => gatewayConfigFromEnv(env)).toThrow(message);
  });
});
