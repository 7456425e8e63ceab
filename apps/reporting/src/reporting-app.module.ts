import { Module, type DynamicModule } from '@nestjs/common';
import { ExportsModule } from '@tributary/exports';
import { ServiceKitModule, type ServiceConfig, type ServiceDefinition } from '@tributary/service-kit';
import { ReportingDatabase } from './database/reporting-database.js';
import { EventApplyService } from './events/event-apply.service.js';
import { EventLagWindow } from './events/event-lag-window.js';
import { EventStreamConsumer } from './events/event-stream.consumer.js';
import { EventsController } from './events/events.controller.js';
import { REPORTING_DATASETS } from './exports/reporting-datasets.js';
import { FreshnessController } from './freshness/freshness.controller.js';
import { FreshnessService } from './freshness/freshness.service.js';
import { IngestController } from './ingest/ingest.controller.js';
import { IngestService } from './ingest/ingest.service.js';
import { ReloadService } from './ingest/reload.service.js';
import { PumpRolesService } from './ingest/pump-roles.service.js';
import { ReconciliationController } from './reconciliation/reconciliation.controller.js';
import { ReconciliationService } from './reconciliation/reconciliation.service.js';
import { reportingConfigFromEnv, type ReportingConfig } from './reporting.config.js';
import { REPORTING_CONFIG } from './reporting.tokens.js';
import { StoreReportsController } from './reports/store-reports.controller.js';
import { StoreReportsService } from './reports/store-reports.service.js';
import { SqlInterfaceService } from './sql-interface/sql-interface.service.js';
import { SqlAdminTokenGuard } from './sql-interface/sql-admin-token.guard.js';
import { SqlReadersController } from './sql-interface/sql-readers.controller.js';
import { SqlReadersService } from './sql-interface/sql-readers.service.js';
import { MetricsController } from './metrics/metrics.controller.js';
import { ReportingMetrics } from './metrics/reporting-metrics.js';

@Module({})
export class ReportingAppModule {
  static register(config: ServiceConfig, reporting: ReportingConfig): DynamicModule {
    return {
      module: ReportingAppModule,
      imports: [
        ServiceKitModule.forRoot(config, ReportingDatabase),
        reportingExports(config),
      ],
      controllers: [IngestController, EventsController, FreshnessController, ReconciliationController, StoreReportsController, MetricsController, SqlReadersController],
      providers: [
        { provide: REPORTING_CONFIG, useValue: reporting },
        IngestService,
        ReloadService,
        PumpRolesService,
        EventApplyService,
        EventLagWindow,
        EventStreamConsumer,
        FreshnessService,
        ReconciliationService,
        StoreReportsService,
        SqlInterfaceService,
        SqlReadersService,
        SqlAdminTokenGuard,
        ReportingMetrics,
      ],
    };
  }
}

/** Exports of reporting_v1, in the app and in export workers alike. */
export function reportingExports(config: ServiceConfig, options: { worker?: boolean } = {}): DynamicModule {
  return ExportsModule.forApp({ app: 'reporting', config: config.exports, table: 'reporting_store.operations', datasets: REPORTING_DATASETS, ...options });
}

/** The reporting app as `npm start` runs it; tests give it their services' URLs instead. */
export function reportingServiceWith(reporting: () => ReportingConfig): ServiceDefinition {
  return {
    service: 'reporting',
    defaultPort: 4004,
    about: {
      title: 'Tributary reporting store',
      description: 'Owns the reporting database: pumps deliver here, reports and BI tools read reporting_v1. Freshness and reconciliation.',
    },
    module: (config) => ReportingAppModule.register(config, reporting()),
    seeds: false,
    // A pump batch of 5000 orders with their lines is a few megabytes of JSON.
    defaults: { bodyLimitBytes: 64 * 1024 * 1024 },
  };
}

export const reportingService = reportingServiceWith(() => reportingConfigFromEnv());
