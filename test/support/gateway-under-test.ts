import type { INestApplication } from '@nestjs/common';
import { createGatewayApp, type GatewayAppOptions } from '../../apps/gateway/src/create-gateway-app.js';
import { startFakeServices, type FakeService } from '@tributary/testing';
import { DOWNSTREAM_NAMES, type DownstreamName } from '../../apps/gateway/src/downstream/downstream-services.js';
import { gatewayConfigFromEnv, type GatewayConfig } from '../../apps/gateway/src/gateway.config.js';

export interface GatewayUnderTest {
  app: INestApplication;
  http: ReturnType<INestApplication['getHttpServer']>;
  config: GatewayConfig;
  close(): Promise<void>;
}

/** The gateway as `npm start` builds it, over the services at these base URLs (real ones, or fakes). */
export async function startGateway(services: Record<DownstreamName, string>, overrides: Partial<GatewayConfig> = {}, options: GatewayAppOptions = {}): Promise<GatewayUnderTest> {
  // No reporting store unless a test starts one: every report is live.
  const config: GatewayConfig = { ...gatewayConfigFromEnv({}), port: 0, logLevel: 'silent', services, reportingUrl: null, cursorSecret: 'test-cursor-secret-16+', ...overrides };
  const app = await createGatewayApp(config, options);
  await app.init();
  return { app, http: app.getHttpServer(), config, close: () => app.close() };
}

/** Posts a GraphQL query to a gateway, as a dashboard would. */
export async function graphql(gateway: GatewayUnderTest, query: string, variables?: Record<string, unknown>) {
  const { default: request } = await import('supertest');
  return request(gateway.http).post('/graphql').set('content-type', 'application/json').send({ query, variables });
}

export type FakeDownstream = Record<DownstreamName, FakeService> & { closeAll(): Promise<void> };

/** The middle tier: a fake of every service the gateway calls, and the gateway over them. */
export async function startGatewayOverFakes(overrides: Partial<GatewayConfig> = {}, options: GatewayAppOptions = {}): Promise<{ gateway: GatewayUnderTest; fakes: FakeDownstream; close(): Promise<void> }> {
  const fakes = await startFakeServices(DOWNSTREAM_NAMES);
  const urls = Object.fromEntries(DOWNSTREAM_NAMES.map((name) => [name, fakes[name].url])) as Record<DownstreamName, string>;
  const gateway = await startGateway(urls, overrides, options);
  return {
    gateway,
    fakes,
    close: async () => {
      await gateway.close();
      await fakes.closeAll();
    },
  };
}
