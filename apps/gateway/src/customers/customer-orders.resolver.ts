import { Args, ArgsType, Field, Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { IsOptional } from 'class-validator';
import { Loaders, type RequestLoaders } from '../loaders/request-loaders.js';
import { OrderConnection } from '../orders/order.model.js';
import { connectionOfList } from '../pagination/connection-cursor.util.js';
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
  @ResolveField(() => OrderConnection, { description: 'Oldest first. All customers of one request are fetched in one batch call.' })
  async orders(@Parent() customer: Customer, @Args() { first, after, placedFrom, placedTo }: CustomerOrdersArgs, @Loaders() loaders: RequestLoaders) {
    const orders = await loaders.ordersByCustomer.load({ customerId: customer.id, placedFrom: placedFrom?.toISOString(), placedTo: placedTo?.toISOString() });
    const { edges, hasNextPage } = await connectionOfList(orders, first, after);
    return toConnection(edges, hasNextPage);
  }
}
