import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import { startTracing } from '@tributary/core';
import { createGatewayApp, GRAPHQL_PATH } from './create-gateway-app.js';
import { DASHBOARD_PATH } from './dashboard/dashboard.js';
import { gatewayConfigFromEnv } from './gateway.config.js';

// Before the app is built: its logger, middleware and plugins see whether tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT).
await startTracing('gateway');
const config = gatewayConfigFromEnv();
const app = await createGatewayApp(config);
const log = new Logger('gateway');
if (config.auth.mode === 'open') {
  log.warn('authentication: development mode, requests without a credential are served with every role; a credential that is sent is checked (npm run apikey -- create --role reporter --name me). NODE_ENV=production or GATEWAY_AUTH=required closes it.');
} else {
  log.log(`authentication: required (API keys in ${config.auth.apiKeysFile}${config.auth.jwt ? `, JWTs from ${config.auth.jwt.issuer}` : ''})`);
}
await app.listen(config.port, '0.0.0.0');
log.log(
  `gateway listening on http://localhost:${config.port}${GRAPHQL_PATH}${config.development ? ' (playground: open it in a browser)' : ''}; batching ${config.batching ? 'on' : 'off'}`,
);
if (existsSync(join(config.dashboardDir, 'index.html'))) log.log(`dashboard: http://localhost:${config.port}${DASHBOARD_PATH}/`);
else log.warn(`dashboard: not built (${config.dashboardDir}); npm run build:dashboard makes it`);
