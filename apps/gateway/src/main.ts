import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createGatewayApp, GRAPHQL_PATH } from './create-gateway-app.js';
import { gatewayConfigFromEnv } from './gateway.config.js';

const config = gatewayConfigFromEnv();
const app = await createGatewayApp(config);
await app.listen(config.port, '0.0.0.0');
new Logger('gateway').log(
  `gateway listening on http://localhost:${config.port}${GRAPHQL_PATH}${config.development ? ' (playground: open it in a browser)' : ''}; batching ${config.batching ? 'on' : 'off'}`,
);
