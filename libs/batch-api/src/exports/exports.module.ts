import { Inject, Injectable, Logger, Module, type BeforeApplicationShutdown, type DynamicModule, type OnApplicationBootstrap } from '@nestjs/common';
import { openRowReader, SERVICE_DATABASE, type RowReader, type ServiceDatabase } from '@tributary/database';
import type { ExportDataset } from './export-datasets.js';
import { ExportQueue } from './export-queue.js';
import { ExportRunner } from './export-runner.js';
import type { ExportConfig } from './export.config.js';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';
import { OperationStore } from './operation-store.js';

export interface ExportsSettings {
  /** Names the app's queue: `<app>-exports`. */
  app: string;
  config: ExportConfig;
  /** The operations table, schema-qualified where it is not in the search path. */
  table: string;
  datasets: readonly ExportDataset[];
  /** A process that only runs exports: its queue starts at boot, whatever is pending. */
  worker?: boolean;
}

const EXPORT_PARTS = Symbol('EXPORT_PARTS');
const EXPORTS_SETTINGS = Symbol('EXPORTS_SETTINGS');

interface ExportParts {
  store: OperationStore;
  reader: RowReader;
  queue: ExportQueue;
}

/** Starts the queue at boot when operations were left unfinished (by a crash); stops it before the database closes. */
@Injectable()
class ExportsLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('Exports');

  constructor(
    @Inject(EXPORT_PARTS) private readonly parts: ExportParts,
    @Inject(EXPORTS_SETTINGS) private readonly settings: ExportsSettings,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.worker) {
      await this.parts.queue.started();
      return;
    }
    const unfinished = await this.parts.store.unfinished();
    if (unfinished === 0) return;
    this.logger.log(`${unfinished} export(s) unfinished: starting the queue to run them`);
    void this.parts.queue.started().catch((error: unknown) => this.logger.error(`the export queue did not start: ${(error as Error).message}`));
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.parts.queue.stop();
    await this.parts.reader.close();
  }
}

/** Export operations for one app: its datasets, its operations table, its queue, the /v1/exports and /v1/operations routes. */
@Module({})
export class ExportsModule {
  static forApp(settings: ExportsSettings): DynamicModule {
    return {
      module: ExportsModule,
      controllers: [ExportsController],
      providers: [
        { provide: EXPORTS_SETTINGS, useValue: settings },
        {
          provide: EXPORT_PARTS,
          inject: [SERVICE_DATABASE],
          useFactory: (db: ServiceDatabase): ExportParts => {
            const store = new OperationStore(db, settings.table);
            const reader = openRowReader(db.handle);
            const runner = new ExportRunner(store, reader, settings.datasets, settings.config);
            return { store, reader, queue: new ExportQueue(db.handle, `${settings.app}-exports`, settings.config, runner) };
          },
        },
        {
          provide: ExportsService,
          inject: [EXPORT_PARTS],
          useFactory: (parts: ExportParts) => new ExportsService(parts.store, parts.queue, settings.datasets, settings.config),
        },
        ExportsLifecycle,
      ],
      exports: [ExportsService],
    };
  }
}
