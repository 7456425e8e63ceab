import { Module, type DynamicModule } from '@nestjs/common';
import { AuditLog } from '../auth/audit-log.js';
import { ExportFilesController } from './export-files.controller.js';
import { ExportFiles } from './export-files.service.js';
import { ExportsResolver } from './exports.resolver.js';

/** Exports through the gateway: the GraphQL fields, and the downloads of their files. */
@Module({})
export class ExportsModule {
  /** With the audit log the downloads write to, the one the GraphQL fields write to. */
  static register(audit: AuditLog): DynamicModule {
    return { module: ExportsModule, providers: [ExportsResolver, ExportFiles, { provide: AuditLog, useValue: audit }], controllers: [ExportFilesController] };
  }
}
