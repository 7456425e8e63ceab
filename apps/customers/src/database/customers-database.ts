import { Global, Injectable, Module } from '@nestjs/common';
import { databaseHealthCheck, PrismaService } from '@tributary/database';
import { HEALTH_CHECKS } from '@tributary/service-kit';
import { PrismaClient } from '../generated/prisma/client.js';

/** The customers service's own database. */
@Injectable()
export class CustomersDatabase extends PrismaService(PrismaClient) {}

@Global()
@Module({
  providers: [
    CustomersDatabase,
    { provide: HEALTH_CHECKS, useFactory: (db: CustomersDatabase) => [databaseHealthCheck(db)], inject: [CustomersDatabase] },
  ],
  exports: [CustomersDatabase, HEALTH_CHECKS],
})
export class CustomersDatabaseModule {}
