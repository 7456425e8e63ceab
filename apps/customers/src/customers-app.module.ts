import { Module, type DynamicModule } from '@nestjs/common';
import { ExportsModule } from '@tributary/exports';
import { PumpModule } from '@tributary/pump-kit';
import { SEEDER, ServiceKitModule, type ServiceConfig, type ServiceDefinition } from '@tributary/service-kit';
import { CreditModule } from './credit/credit.module.js';
import { CustomersModule } from './customers/customers.module.js';
import { CustomersDatabase } from './database/customers-database.js';
import { CUSTOMERS_DATASETS } from './exports/customers-datasets.js';
import { CustomersSeeder } from './seed/customers.seeder.js';
import { CustomersPumpSource } from './pump/customers.pump.js';

@Module({})
export class CustomersAppModule {
  static register(config: ServiceConfig): DynamicModule {
    return {
      module: CustomersAppModule,
      imports: [ServiceKitModule.forRoot(config, CustomersDatabase), CustomersModule, CreditModule, ExportsModule.forApp({ app: 'customers', config: config.exports, table: 'operations', datasets: CUSTOMERS_DATASETS }), PumpModule.forService('customers', config.pump, [CustomersPumpSource])],
      providers: [{ provide: SEEDER, useClass: CustomersSeeder }],
    };
  }
}

export const customersService: ServiceDefinition = {
  service: 'customers',
  defaultPort: 4001,
  about: {
    title: 'Tributary customers service',
    description: 'Owns customers. Implements the batch contract: batchGet, keyset-paginated lists, problem+json errors.',
    events: { source: 'customers', resourceSchema: 'CustomerDto' },
  },
  module: (config) => CustomersAppModule.register(config),
};
