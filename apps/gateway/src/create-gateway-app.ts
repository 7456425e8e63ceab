import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createValidationPipe, ProblemDetailsFilter } from '@tributary/batch-api';
import { createAppLogger, PinoNestLogger, requestLogging, tracingEnabled, tracingMiddleware } from '@tributary/core';
import type { DestinationStream } from 'pino';
import { AuditLog } from './auth/audit-log.js';
import { Authenticator, authenticationMiddleware } from './auth/authentication.middleware.js';
import { serveDashboard } from './dashboard/dashboard.js';
import { EXPORT_DOWNLOADS_PATH } from './exports/export-files.util.js';
import { GatewayAppModule } from './gateway-app.module.js';
import { rateLimitMiddleware } from './limits/rate-limit.middleware.js';
import { RateLimiter } from './limits/rate-limiter.js';
import type { GatewayConfig } from './gateway.config.js';
import { playgroundMiddleware } from './playground/playground.js';

export const GRAPHQL_PATH = '/graphql';

export interface GatewayAppOptions {
  /** Where the logs go instead of stdout: for tests that read them. */
  logDestination?: DestinationStream;
}

/** Builds the gateway as it runs in production, for main.ts and tests alike. */
export async function createGatewayApp(config: GatewayConfig, { logDestination }: GatewayAppOptions = {}): Promise<INestApplication> {
  const logger = createAppLogger('gateway', config, logDestination);
  const authenticator = new Authenticator(config.auth);
  const app = await NestFactory.create<NestExpressApplication>(GatewayAppModule.register(config, new AuditLog(logger)), { logger: new PinoNestLogger(logger) });
  // The operation's span, active for all the request runs: its log line, loaders and downstream calls.
  if (tracingEnabled()) app.use(GRAPHQL_PATH, tracingMiddleware());
  app.use(requestLogging(logger));
  // Before Apollo's middleware: a browser's GET /graphql gets the playground.
  if (config.development) app.use(playgroundMiddleware(GRAPHQL_PATH));
  // Public in every mode: static files without data; what the page shows comes from /graphql, authenticated below.
  serveDashboard(app, config.dashboardDir, config.publicUrl);
  // Before anything reads the body: a request without a valid credential costs nothing more.
  // Export downloads (exports/export-files.controller.ts) are authenticated and counted the same way.
  for (const path of [GRAPHQL_PATH, EXPORT_DOWNLOADS_PATH]) app.use(path, authenticationMiddleware(authenticator, logger));
  // After authentication, which names the client; before the body is read or anything is called.
  if (config.rateLimit) for (const path of [GRAPHQL_PATH, EXPORT_DOWNLOADS_PATH]) app.use(path, rateLimitMiddleware(app.get(RateLimiter), logger));
  // Express hashes every body it sends for an ETag: 2–3 ms of SHA-1 per 1000-order page,
  // for a validator no GraphQL client sends back (POST answers are not cached).
  app.set('etag', false);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();
  return app;
}
