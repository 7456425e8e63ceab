// node dist/apps/reporting/src/export-worker.js (npm run export:worker): runs the reporting
// app's exports from the shared queue, EXPORT_CONCURRENCY at a time, beside the app and any
// other workers. PostgreSQL only (REPORTING_DATABASE_URL).
import 'reflect-metadata';
import { Module } from '@nestjs/common';
import { ConfigError } from '@tributary/core';
import { DatabaseModule } from '@tributary/database';
import { runExportWorker } from '@tributary/service-kit';
import { ReportingDatabase } from './database/reporting-database.js';
import { reportingExports, reportingService } from './reporting-app.module.js';

@Module({})
class ReportingExportWorkerModule {}

try {
  await runExportWorker(reportingService, (config) => ({
    module: ReportingExportWorkerModule,
    imports: [DatabaseModule.forService('reporting', config.database, ReportingDatabase), reportingExports(config, { worker: true })],
  }));
} catch (error) {
  // A setting that cannot work is said in one line; anything else keeps its stack.
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(2);
}
