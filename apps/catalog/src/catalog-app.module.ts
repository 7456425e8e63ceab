import { Module, type DynamicModule } from '@nestjs/common';
import { ExportsModule } from '@tributary/exports';
import { PumpModule } from '@tributary/pump-kit';
import { SEEDER, ServiceKitModule, type ServiceConfig, type ServiceDefinition } from '@tributary/service-kit';
import { CatalogDatabase } from './database/catalog-database.js';
import { CATALOG_DATASETS } from './exports/catalog-datasets.js';
import { ProductsModule } from './products/products.module.js';
import { StockModule } from './stock/stock.module.js';
import { CatalogSeeder } from './seed/catalog.seeder.js';
import { ProductsPumpSource } from './pump/products.pump.js';

@Module({})
export class CatalogAppModule {
  static register(config: ServiceConfig): DynamicModule {
    return {
      module: CatalogAppModule,
      imports: [ServiceKitModule.forRoot(config, CatalogDatabase), ProductsModule, StockModule, ExportsModule.forApp({ app: 'catalog', config: config.exports, table: 'operations', datasets: CATALOG_DATASETS }), PumpModule.forService('catalog', config.pump, [ProductsPumpSource])],
      providers: [{ provide: SEEDER, useClass: CatalogSeeder }],
    };
  }
}

export const catalogService: ServiceDefinition = {
  service: 'catalog',
  defaultPort: 4003,
  about: {
    title: 'Tributary catalog service',
    description: 'Owns products and their stock (reservations for orders being placed). Implements the batch contract: batchGet, keyset-paginated lists, problem+json errors.',
    events: { source: 'catalog', resourceSchema: 'ProductDto' },
  },
  module: (config) => CatalogAppModule.register(config),
};
