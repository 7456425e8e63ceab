import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectPath } from '@tributary/core';
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
    const secrets = { CURSOR_SECRET: 'c'.repeat(32), API_KEYS_FILE: '/etc/tributary/api-keys.json', SERVICE_TOKEN_SECRET: 's'.repeat(32) };
    expect(gatewayConfigFromEnv({ TRIBUTARY_BATCHING: 'off', NODE_ENV: 'production', ...secrets })).toMatchObject({ batching: false, development: false, auth: { mode: 'required' } });
  });

  it('takes a public URL with a path prefix for download links, without its trailing slash; none by default', () => {
    expect(gatewayConfigFromEnv({}).publicUrl).toBeNull();
    expect(gatewayConfigFromEnv({ GATEWAY_PUBLIC_URL: 'https://example.com/tributary/' }).publicUrl).toBe('https://example.com/tributary');
  });

  it('serves the dashboard from dist/dashboard, built or not yet, or from the directory DASHBOARD_DIR names', () => {
    expect(gatewayConfigFromEnv({}).dashboardDir).toBe(projectPath('dist', 'dashboard'));
    const dir = mkdtempSync(join(tmpdir(), 'dashboard-'));
    try {
      expect(gatewayConfigFromEnv({ DASHBOARD_DIR: dir }).dashboardDir).toBe(dir);
      writeFileSync(join(dir, 'index.html'), '');
      expect(() => gatewayConfigFromEnv({ DASHBOARD_DIR: join(dir, 'index.html') })).toThrow(`DASHBOARD_DIR must be a directory that holds the built dashboard (npm run build:dashboard), and ${join(dir, 'index.html')} is not a directory`);
      expect(() => gatewayConfigFromEnv({ DASHBOARD_DIR: join(dir, 'missing') })).toThrow(`${join(dir, 'missing')} does not exist`);
      expect(() => gatewayConfigFromEnv({ DASHBOARD_DIR: ' ' })).toThrow('DASHBOARD_DIR must name a directory');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [{ TRIBUTARY_BATCHING: 'sometimes' }, 'TRIBUTARY_BATCHING must be on or off'],
    [{ ORDERS_URL: 'orders:4002' }, 'ORDERS_URL must be an http(s) base URL'],
    [{ DOWNSTREAM_ATTEMPTS: '0' }, 'DOWNSTREAM_ATTEMPTS must be an integer from 1 to 10'],
    [{ GATEWAY_PUBLIC_URL: 'api.example.com' }, 'GATEWAY_PUBLIC_URL must be an http(s) URL'],
    [{ GATEWAY_PUBLIC_URL: 'https://api.example.com/?x=1' }, 'GATEWAY_PUBLIC_URL must be an http(s) URL'],
  ])('refuses %j at boot, naming the variable', (env, message) => {
    expect(() => gatewayConfigFromEnv(env)).toThrow(message);
  });
});
