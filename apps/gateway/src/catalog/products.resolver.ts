import { Args, ID, Query, Resolver } from '@nestjs/graphql';
import { Loaders, type RequestLoaders } from '../loaders/request-loaders.js';
import { IdsArgs } from '../pagination/ids.args.js';
import { Product } from './product.model.js';

@Resolver(() => Product)
export class ProductsResolver {
  @Query(() => Product, { nullable: true, description: 'One product; null if none has this id.' })
  product(@Args('id', { type: () => ID }) id: string, @Loaders() loaders: RequestLoaders) {
    return loaders.productById.load(id);
  }

  @Query(() => [Product], { nullable: 'itemsAndList', description: 'Products by id: one entry per id, in order, null where none exists.' })
  products(@Args() { ids }: IdsArgs, @Loaders() loaders: RequestLoaders) {
    return loaders.productById.loadMany(ids);
  }
}
