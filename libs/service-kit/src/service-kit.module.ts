import { Module, type DynamicModule, type Type } from '@nestjs/common';
import { BatchApiModule } from '@tributary/batch-api';
import { SERVICE_CREDENTIAL, serviceCredentialOf } from '@tributary/core';
import { DatabaseModule, readCommittedBefore, SERVICE_DATABASE, type ServiceDatabase } from '@tributary/database';
import { BackupController } from './backup.js';
import { HEALTH_CHECKS, HealthController, type HealthCheck } from './health.controller.js';
import type { ServiceConfig } from './service.config.js';

/** What every service has: its database, paging, /health, its credential for the calls it makes to other apps (SERVICE_CREDENTIAL). */
@Module({})
export class ServiceKitModule {
  static forRoot(config: ServiceConfig, database: Type<ServiceDatabase>): DynamicModule {
    return {
      module: ServiceKitModule,
      global: true,
      imports: [
        DatabaseModule.forService(config.service, config.database, database),
        BatchApiModule.forRoot(
          { pageTokenSecret: config.pageTokenSecret },
          { useFactory: (db: ServiceDatabase) => () => readCommittedBefore(db), inject: [SERVICE_DATABASE] },
        ),
      ],
      // An embedded database is copied by the process that holds it; PostgreSQL has pg_dump.
      controllers: [HealthController, ...(config.database.url ? [] : [BackupController])],
      providers: [
        // null without a secret (development): the app's calls then go without a credential.
        { provide: SERVICE_CREDENTIAL, useFactory: () => serviceCredentialOf(config.serviceCredential, config.service) },
        {
          provide: HEALTH_CHECKS,
          useFactory: (db: ServiceDatabase): HealthCheck[] => [{ name: 'database', check: () => db.$executeRawUnsafe('SELECT 1') }],
          inject: [SERVICE_DATABASE],
        },
      ],
      exports: [SERVICE_CREDENTIAL],
    };
  }
}
