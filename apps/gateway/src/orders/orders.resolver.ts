import { Args, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Customer } from '../customers/customer.model.js';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Loaders, RequestStats, type RequestLoaders } from '../loaders/request-loaders.js';
import { Order, OrderConnection, OrdersArgs } from './order.model.js';
import { OrdersQueryService } from './orders-query.service.js';

@Resolver(() => Order)
export class OrdersResolver {
  constructor(private readonly query: OrdersQueryService) {}

  @Query(() => OrderConnection, { description: 'Orders in the order of their last change, filtered.' })
  orders(@Args() { first, after, filter }: OrdersArgs, @RequestStats() stats: DownstreamStats) {
    return this.query.orders({ first, after }, filter ?? {}, stats);
  }

  @ResolveField(() => Customer, { nullable: true })
  customer(@Parent() order: Order, @Loaders() loaders: RequestLoaders) {
    return loaders.customerById.load(order.customerId);
  }
}
