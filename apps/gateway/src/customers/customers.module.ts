import { Module } from '@nestjs/common';
import { CustomerOrdersResolver } from './customer-orders.resolver.js';
import { CustomersQueryService } from './customers-query.service.js';
import { CustomersResolver } from './customers.resolver.js';

@Module({ providers: [CustomersResolver, CustomerOrdersResolver, CustomersQueryService] })
export class CustomersModule {}
