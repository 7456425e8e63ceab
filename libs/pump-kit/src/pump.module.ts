import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider, type Type } from '@nestjs/common';
import type { PumpConfig } from './pump.config.js';
import { PumpScheduler } from './pump-scheduler.js';
import { PumpChecksumController } from './pump-checksum.controller.js';
import type { PumpSource } from './pump-source.js';
import { PUMP_CONFIG, PUMP_SOURCES } from './pump.tokens.js';

class PumpLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PumpScheduler) private readonly scheduler: PumpScheduler,
    @Inject(PUMP_CONFIG) private readonly config: PumpConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.scheduled) this.scheduler.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.scheduler.stop();
  }
}

/**
 * A service's pumps: its PumpSource classes, run on a schedule inside the service
 * process when `config.scheduled` (an embedded database is open in one process only),
 * and injectable as PumpScheduler for `npm run pump` and tests.
 */
@Module({})
export class PumpModule {
  static forSources(config: PumpConfig, sources: Array<Type<PumpSource>>): DynamicModule {
    const providers: Provider[] = [
      ...sources,
      { provide: PUMP_CONFIG, useValue: config },
      { provide: PUMP_SOURCES, useFactory: (...instances: PumpSource[]) => instances, inject: sources },
      { provide: PumpScheduler, useFactory: (instances: PumpSource[]) => new PumpScheduler(instances, config), inject: [PUMP_SOURCES] },
      PumpLifecycle,
    ];
    return { module: PumpModule, controllers: [PumpChecksumController], providers, exports: [PumpScheduler, PUMP_SOURCES] };
  }
}
