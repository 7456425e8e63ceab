import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createValidationPipe, ProblemDetailsFilter } from '@tributary/batch-api';
import { createAppLogger, PinoNestLogger, requestLogging } from '@tributary/core';
import { GatewayAppModule } from './gateway-app.module.js';
import { rateLimitMiddleware } from './limits/rate-limit.middleware.js';
import { RateLimiter } from './limits/rate-limiter.js';
import type { GatewayConfig } from './gateway.config.js';
import { playgroundMiddleware } from './playground/playground.js';

export const GRAPHQL_PATH = '/graphql';

/** Builds the gateway as it runs in production, for main.ts and tests alike. */
export async function createGatewayApp(config: GatewayConfig): Promise<INestApplication> {
  const logger = createAppLogger('gateway', config);
  const app = await NestFactory.create<NestExpressApplication>(GatewayAppModule.register(config), { logger: new PinoNestLogger(logger) });
  app.use(requestLogging(logger));
  // Before Apollo's middleware: a browser's GET /graphql gets the playground.
  if (config.development) app.use(playgroundMiddleware(GRAPHQL_PATH));
  // After authentication, which names the client; before the body is read or anything is called.
  if (config.rateLimit) app.use(GRAPHQL_PATH, rateLimitMiddleware(app.get(RateLimiter), logger));
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  return app;
}
