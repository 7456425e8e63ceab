import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Loaders, RequestStats, type RequestLoaders } from '../loaders/request-loaders.js';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { ConnectionArgs } from '../pagination/connection.args.js';
import { IdsArgs } from '../pagination/ids.args.js';
import { Customer, CustomerConnection } from './customer.model.js';
import { CustomersQueryService } from './customers-query.service.js';

@Resolver(() => Customer)
export class CustomersResolver {
  constructor(private readonly query: CustomersQueryService) {}

  @Query(() => Customer, { nullable: true, description: 'One customer; null if none has this id.' })
  customer(@Args('id', { type: () => ID }) id: string, @Loaders() loaders: RequestLoaders) {
    return loaders.customerById.load(id);
  }

  @Query(() => [Customer], { nullable: 'itemsAndList', description: 'Customers by id: one entry per id, in order, null where none exists.' })
  customers(@Args() { ids }: IdsArgs, @Loaders() loaders: RequestLoaders) {
    return loaders.customerById.loadMany(ids);
  }

  @Query(() => CustomerConnection, { nullable: true, description: 'Every customer, in the order of their last change.' })
  allCustomers(@Args() args: ConnectionArgs, @RequestStats() stats: DownstreamStats) {
    return this.query.allCustomers(args, stats);
  }
}
