import { PLACEMENT_EVENT_OF } from '@tributary/contracts';
import { Module, type DynamicModule } from '@nestjs/common';
import { ExportsModule } from '@tributary/exports';
import { PumpModule } from '@tributary/pump-kit';
import { SEEDER, ServiceKitModule, type ServiceConfig, type ServiceDefinition } from '@tributary/service-kit';
import { OrdersDatabase } from './database/orders-database.js';
import { ORDERS_DATASETS } from './exports/orders-datasets.js';
import { OrdersModule } from './orders/orders.module.js';
import { placementConfigFromEnv, type PlacementConfig } from './placement/placement.config.js';
import { PlacementModule } from './placement/placement.module.js';
import { RatesModule } from './rates/rates.module.js';
import { OrdersSeeder } from './seed/orders.seeder.js';
import { OrdersPumpSource } from './pump/orders.pump.js';
import { RatesPumpSource } from './pump/rates.pump.js';

@Module({})
export class OrdersAppModule {
  static register(config: ServiceConfig, placement: PlacementConfig): DynamicModule {
    return {
      module: OrdersAppModule,
      imports: [ServiceKitModule.forRoot(config, OrdersDatabase), OrdersModule, RatesModule, PlacementModule.register(placement), ExportsModule.forApp({ app: 'orders', config: config.exports, table: 'operations', datasets: ORDERS_DATASETS }), PumpModule.forService('orders', config.pump, [OrdersPumpSource, RatesPumpSource])],
      providers: [{ provide: SEEDER, useClass: OrdersSeeder }],
    };
  }
}

/** The orders app as `npm start` runs it; tests give it their services' URLs and faster timings instead. */
export function ordersServiceWith(placement: () => PlacementConfig): ServiceDefinition {
  return { ...ordersService, module: (config) => OrdersAppModule.register(config, placement()) };
}

export const ordersService: ServiceDefinition = {
  service: 'orders',
  defaultPort: 4002,
  about: {
    title: 'Tributary orders service',
    description: 'Owns orders and their lines and the exchange rates (against EUR, GET /v1/rates), places orders across the services (POST /v1/orderPlacements), and aggregates orders for reports. Implements the batch contract: batchGet, keyset-paginated lists, problem+json errors.',
    events: { source: 'orders', resourceSchema: 'OrderDto', schemaOfType: Object.fromEntries(Object.values(PLACEMENT_EVENT_OF).map((type) => [type, 'OrderPlacementDto'])) },
  },
  module: (config) => OrdersAppModule.register(config, placementConfigFromEnv()),
};
