import { existsSync, readdirSync } from 'node:fs';
import { Logger, Module, type DynamicModule, type Type } from '@nestjs/common';
import { DatabaseHandle, type DatabaseLocation } from './database-handle.js';
import { applyMigrations } from './migrations.js';
import { projectPath } from '@tributary/core';
import { DATABASE_HANDLE, SERVICE_DATABASE } from './prisma.service.js';

/**
 * Opens a service's own database and brings its schema up to date before anything
 * else starts: migrations from prisma/<service>/migrations are applied on every start.
 * The service's PrismaService is injectable by its class and, for shared code such as
 * /health, as SERVICE_DATABASE.
 */
@Module({})
export class DatabaseModule {
  static forService(service: string, location: DatabaseLocation, database: Type<unknown>): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      providers: [
        {
          provide: DATABASE_HANDLE,
          useFactory: async () => {
            const handle = DatabaseHandle.open(location);
            const applied = await applyMigrations(schemaFolderOf(service), handle.adapterFactory);
            if (applied.length) new Logger('Database').log(`applied migrations ${applied.join(', ')} to ${handle.description}`);
            return handle;
          },
        },
        database,
        { provide: SERVICE_DATABASE, useExisting: database },
      ],
      exports: [DATABASE_HANDLE, database, SERVICE_DATABASE],
    };
  }
}

/** The databases that have a schema: the folders of prisma/ with a schema.prisma. */
export function schemaNames(): string[] {
  return readdirSync(projectPath('prisma'), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(projectPath('prisma', entry.name, 'schema.prisma')))
    .map((entry) => entry.name)
    .sort();
}

export function schemaFolderOf(service: string) {
  return { schemaPath: projectPath('prisma', service, 'schema.prisma'), migrationsDir: projectPath('prisma', service, 'migrations') };
}
