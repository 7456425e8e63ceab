import { Args, ArgsType, Field, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { IsOptional } from 'class-validator';
import { Loaders, type RequestLoaders } from '../loaders/request-loaders.js';
import { OrderConnection } from '../orders/order.model.js';
import { ConnectionCursors, connectionOfList } from '../pagination/connection-cursor.util.js';
import { ConnectionArgs } from '../pagination/connection.args.js';
import { toConnection } from '../pagination/connection.model.js';
import { Customer } from './customer.model.js';

@ArgsType()
class CustomerOrdersArgs extends ConnectionArgs {
  @Field(() => Date, { nullable: true, description: 'Orders placed at or after this instant.' })
  @IsOptional()
  placedFrom?: Date;
  @Field(() => Date, { nullable: true, description: 'Orders placed before this instant.' })
  @IsOptional()
  placedTo?: Date;
}

/** The orders of a customer: a field of Customer that the orders service answers. */
@Resolver(() => Customer)
export class CustomerOrdersResolver {
  constructor(private readonly cursors: ConnectionCursors) {}

  @ResolveField(() => OrderConnection, { description: 'Oldest first. All customers of one request are fetched in one batch call.' })
  async orders(@Parent() customer: Customer, @Args() { first, after, placedFrom, placedTo }: CustomerOrdersArgs, @Loaders() loaders: RequestLoaders) {
    const key = { customerId: customer.id, placedFrom: placedFrom?.toISOString(), placedTo: placedTo?.toISOString() };
    const orders = await loaders.ordersByCustomer.load(key);
    const { edges, hasNextPage } = await connectionOfList(this.cursors, { connection: 'Customer.orders', filters: key }, orders, first, after);
    return toConnection(edges, hasNextPage);
  }
}
