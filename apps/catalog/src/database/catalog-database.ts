import { Global, Injectable, Module } from '@nestjs/common';
import { databaseHealthCheck, PrismaService } from '@tributary/database';
import { HEALTH_CHECKS } from '@tributary/service-kit';
import { PrismaClient } from '../generated/prisma/client.js';

/** The catalog service's own database. */
@Injectable()
export class CatalogDatabase extends PrismaService(PrismaClient) {}

@Global()
@Module({
  providers: [
    CatalogDatabase,
    { provide: HEALTH_CHECKS, useFactory: (db: CatalogDatabase) => [databaseHealthCheck(db)], inject: [CatalogDatabase] },
  ],
  exports: [CatalogDatabase, HEALTH_CHECKS],
})
export class CatalogDatabaseModule {}
