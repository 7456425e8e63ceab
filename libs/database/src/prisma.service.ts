import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import type { DatabaseHandle } from './database-handle.js';

export const DATABASE_HANDLE = Symbol('DATABASE_HANDLE');
/** The service's own PrismaService, for code that works on any service's database. */
export const SERVICE_DATABASE = Symbol('SERVICE_DATABASE');

/** What the lifecycle needs of a generated Prisma client. */
interface PrismaClientLike {
  $connect(): Promise<void>;
  $disconnect(): Promise<void>;
  $on(event: 'query', listener: (event: { query: string; duration: number }) => void): void;
  $executeRawUnsafe(query: string): Promise<number>;
  $queryRawUnsafe<R = unknown>(query: string, ...values: unknown[]): Promise<R>;
}

type PrismaClientClass = new (options: { adapter: DatabaseHandle['adapterFactory']; log: Array<{ emit: 'event'; level: 'query' }> }) => PrismaClientLike;

/**
 * Marks a statement of background polling (a worker looking for due work), which is no
 * request's cost: the statement counter leaves it out. Start the SQL text with it.
 */
export const BACKGROUND_SQL = '/* background */';

/**
 * Turns a service's generated PrismaClient into its Nest provider: it connects when
 * the module starts (failing fast), disconnects on shutdown, and counts its SQL
 * statements so that tests and metrics can see how many queries a request cost.
 *
 *   @Injectable() export class CustomersDatabase extends PrismaService(PrismaClient) {}
 */
export function PrismaService<T extends PrismaClientClass>(Client: T) {
  @Injectable()
  class PrismaServiceBase extends (Client as PrismaClientClass) implements OnModuleInit, OnModuleDestroy, OnApplicationShutdown {
    private readonly logger = new Logger('Database');
    /** SQL statements sent since start. */
    queryCount = 0;

    constructor(@Inject(DATABASE_HANDLE) readonly handle: DatabaseHandle) {
      super({ adapter: handle.adapterFactory, log: [{ emit: 'event', level: 'query' }] });
      this.$on('query', (event: { query: string }) => {
        if (!event.query.startsWith(BACKGROUND_SQL)) this.queryCount++;
      });
    }

    async onModuleInit(): Promise<void> {
      await this.$connect();
      await this.$executeRawUnsafe('SELECT 1');
      this.logger.log(`connected to ${this.handle.description}`);
    }

    async onModuleDestroy(): Promise<void> {
      await this.$disconnect();
    }

    async onApplicationShutdown(): Promise<void> {
      await this.handle.close();
    }
  }
  return PrismaServiceBase as unknown as new (handle: DatabaseHandle) => InstanceType<T> & PrismaServiceBase;
}

/** What code that works on any service's database may use of it. */
export type ServiceDatabase = PrismaClientLike & { queryCount: number; handle: DatabaseHandle };
