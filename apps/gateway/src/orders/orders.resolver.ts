import { Args, Context, Info, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Customer } from '../customers/customer.model.js';
import type { GatewayContext } from '../loaders/request-loaders.js';
import { Order, OrderConnection, OrdersArgs } from './order.model.js';
import { attachOrderRelations, type OrderWithRelations } from './order-relations.js';
import { OrdersQueryService } from './orders-query.service.js';

@Resolver(() => Order)
export class OrdersResolver {
  constructor(private readonly query: OrdersQueryService) {}

  @Query(() => OrderConnection, { nullable: true, description: 'Orders in the order of their last change, filtered.' })
  async orders(@Args() { first, after, filter }: OrdersArgs, @Context() { downstream: stats, loaders, readMasks }: GatewayContext, @Info() info: GraphQLResolveInfo) {
    const connection = await this.query.orders({ first, after }, filter ?? {}, stats, readMasks.order);
    await attachOrderRelations(
      connection.edges.map((edge) => edge.node),
      info,
      loaders,
      ['edges', 'node'],
    );
    return connection;
  }

  // Resolved once per order of a page: see FAST_FIELD_RESOLVER in request-loaders.ts.
  @ResolveField(() => Customer, { nullable: true })
  customer(order: OrderWithRelations, _args: unknown, { loaders }: GatewayContext) {
    return order.customer !== undefined ? order.customer : loaders.customerById.load(order.customerId);
  }
}
