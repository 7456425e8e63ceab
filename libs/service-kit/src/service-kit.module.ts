import { Module, type DynamicModule } from '@nestjs/common';
import { BatchApiModule } from '@tributary/batch-api';
import { DatabaseModule } from '@tributary/database';
import { LoggerModule } from 'nestjs-pino';
import { HealthController } from './health.controller.js';
import type { ServiceConfig } from './service.config.js';

export const SERVICE_CONFIG = Symbol('SERVICE_CONFIG');

/** What every service has: its config, its database, request logs, paging, /health. */
@Module({})
export class ServiceKitModule {
  static forRoot(config: ServiceConfig): DynamicModule {
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        DatabaseModule.forService(config.service, config.database),
        BatchApiModule.forRoot({ pageTokenSecret: config.pageTokenSecret, safetyMarginMs: config.listSafetyMarginMs }),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.logLevel,
            name: config.service,
            // One line per request, with its status and responseTime in ms.
            customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : 'info'),
            serializers: { req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }), res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }) },
          },
        }),
      ],
      controllers: [HealthController],
      providers: [{ provide: SERVICE_CONFIG, useValue: config }],
      exports: [SERVICE_CONFIG],
    };
  }
}
