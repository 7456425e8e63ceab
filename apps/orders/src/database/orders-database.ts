import { Global, Injectable, Module } from '@nestjs/common';
import { databaseHealthCheck, PrismaService } from '@tributary/database';
import { HEALTH_CHECKS } from '@tributary/service-kit';
import { PrismaClient } from '../generated/prisma/client.js';

/** The orders service's own database. */
@Injectable()
export class OrdersDatabase extends PrismaService(PrismaClient) {}

@Global()
@Module({
  providers: [
    OrdersDatabase,
    { provide: HEALTH_CHECKS, useFactory: (db: OrdersDatabase) => [databaseHealthCheck(db)], inject: [OrdersDatabase] },
  ],
  exports: [OrdersDatabase, HEALTH_CHECKS],
})
export class OrdersDatabaseModule {}
