import { Inject, Module, type DynamicModule, type OnApplicationBootstrap, type OnApplicationShutdown, type Provider, type Type } from '@nestjs/common';
import type { EventSource } from '@tributary/contracts';
import { SERVICE_CREDENTIAL, type ServiceCredential } from '@tributary/core';
import { SERVICE_DATABASE } from '@tributary/database';
import { NatsEventPublisher, OutboxRelay, StoreEventPublisher, type EventPublisher, type OutboxDatabase } from './outbox-relay.js';
import { OutboxRelayLoop } from './outbox-relay-loop.js';
import { OutboxController } from './outbox.controller.js';
import type { PumpConfig } from './pump.config.js';
import { PumpScheduler } from './pump-scheduler.js';
import { PumpChecksumController } from './pump-checksum.controller.js';
import type { PumpSource } from './pump-source.js';
import { PUMP_CONFIG, PUMP_SOURCES } from './pump.tokens.js';
import { ReportingStoreClient } from './reporting-store.client.js';

export const EVENT_PUBLISHER = Symbol('EVENT_PUBLISHER');

class PumpLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(
    @Inject(PumpScheduler) private readonly scheduler: PumpScheduler,
    @Inject(OutboxRelayLoop) private readonly relayLoop: OutboxRelayLoop,
    @Inject(EVENT_PUBLISHER) private readonly publisher: EventPublisher,
    @Inject(PUMP_CONFIG) private readonly config: PumpConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduled) return;
    if (this.config.batch) this.scheduler.start();
    if (this.config.events.relay) this.relayLoop.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.relayLoop.stop();
    await this.scheduler.stop();
    await this.publisher.close();
  }
}

/**
 * A service's pumps: its PumpSource classes (the batch pump), and the relay of its
 * outbox (the event pump's sending half), run on a schedule inside the service process
 * when `config.scheduled` (an embedded database is open in one process only). The
 * scheduler and the relay are injectable for `npm run pump` and tests.
 */
@Module({})
export class PumpModule {
  static forService(service: EventSource, config: PumpConfig, sources: Array<Type<PumpSource>>): DynamicModule {
    const { events } = config;
    const providers: Provider[] = [
      ...sources,
      { provide: PUMP_CONFIG, useValue: config },
      { provide: PUMP_SOURCES, useFactory: (...instances: PumpSource[]) => instances, inject: sources },
      // The service's credential (SERVICE_CREDENTIAL, from ServiceKitModule) on every delivery to the store.
      {
        provide: PumpScheduler,
        useFactory: (instances: PumpSource[], credential: ServiceCredential | null) => new PumpScheduler(instances, config, new ReportingStoreClient(config.reportingUrl, credential)),
        inject: [PUMP_SOURCES, SERVICE_CREDENTIAL],
      },
      {
        provide: EVENT_PUBLISHER,
        useFactory: (credential: ServiceCredential | null): EventPublisher =>
          events.bus.natsUrl ? new NatsEventPublisher({ ...events.bus, natsUrl: events.bus.natsUrl }, service) : new StoreEventPublisher(new ReportingStoreClient(config.reportingUrl, credential)),
        inject: [SERVICE_CREDENTIAL],
      },
      { provide: OutboxRelay, useFactory: (db: OutboxDatabase, publisher: EventPublisher) => new OutboxRelay(db, publisher, events), inject: [SERVICE_DATABASE, EVENT_PUBLISHER] },
      { provide: OutboxRelayLoop, useFactory: (relay: OutboxRelay) => new OutboxRelayLoop(relay, events.intervalMs, events.batchSize), inject: [OutboxRelay] },
      PumpLifecycle,
    ];
    return { module: PumpModule, controllers: [PumpChecksumController, OutboxController], providers, exports: [PumpScheduler, PUMP_SOURCES, OutboxRelay, OutboxRelayLoop] };
  }
}
