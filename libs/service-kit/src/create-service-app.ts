import { type DynamicModule, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { createValidationPipe, ProblemDetailsFilter } from '@tributary/batch-api';
import { createAppLogger, isPumpTraffic, PinoNestLogger, requestLogging, tracingEnabled, tracingMiddleware } from '@tributary/core';
import { tracePrismaQueries } from '@tributary/database';
import { asyncApiDocument, type AsyncApiOptions } from '@tributary/pump-kit';
import { serviceCredentialMiddleware } from './service-credential.middleware.js';
import type { ServiceConfig } from './service.config.js';

export interface ServiceDescription {
  title: string;
  description: string;
  /** The events the service publishes, documented at /asyncapi.json: its name as an event source, and the OpenAPI schema of the resource they carry. */
  events?: Pick<AsyncApiOptions, 'source' | 'resourceSchema' | 'schemaOfType'>;
}

/**
 * Builds a service exactly as it runs in production, for main.ts and for tests alike:
 * a service credential on every call but /health (required in production, checked
 * when sent in development), JSON bodies up to the configured limit, the strict validation pipe, problem+json
 * errors, OpenAPI at /openapi.json with its docs page at /docs, the AsyncAPI document of
 * its events at /asyncapi.json, graceful shutdown.
 */
export async function createServiceApp(module: DynamicModule, config: ServiceConfig, about: ServiceDescription): Promise<INestApplication> {
  const logger = createAppLogger(config.service, config);
  await tracePrismaQueries();
  const app = await NestFactory.create<NestExpressApplication>(module, { logger: new PinoNestLogger(logger), bodyParser: false });
  // Continues the caller's trace. The pumps' steady polling and health probes start no trace of their own.
  if (tracingEnabled()) app.use(tracingMiddleware((req) => !req.headers.traceparent && (req.url === '/health' || isPumpTraffic(req.url))));
  app.use(requestLogging(logger));
  // Before the body parser: a call without a valid credential costs no more than its headers.
  app.use(serviceCredentialMiddleware(config.serviceCredential, logger));
  app.useBodyParser('json', { limit: config.bodyLimitBytes, type: ['application/json', 'application/*+json'] });
  // Express hashes every body it sends for an ETag: SHA-1 over a 1 MB page of 1000
  // orders, for a validator the batch contract has no use for (no conditional requests).
  app.set('etag', false);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.enableShutdownHooks();

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder().setTitle(about.title).setDescription(about.description).setVersion('1').build(),
  );
  // swagger-ui is served from node_modules, so /docs works offline.
  SwaggerModule.setup('docs', app, document, { jsonDocumentUrl: 'openapi.json', customSiteTitle: about.title });
  if (about.events) {
    const asyncApi = asyncApiDocument({ ...about.events, title: about.title, bus: config.pump.events.bus, schemas: document.components?.schemas ?? {} });
    app.getHttpAdapter().get('/asyncapi.json', (_request, response) => app.getHttpAdapter().reply(response, asyncApi, 200));
  }
  return app;
}
