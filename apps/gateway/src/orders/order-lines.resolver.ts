import { Parent, ResolveField, Resolver } from '@nestjs/graphql';
import { Product } from '../catalog/product.model.js';
import { Loaders, type RequestLoaders } from '../loaders/request-loaders.js';
import { OrderLine } from './order.model.js';

/** The product of an order line: a field of OrderLine that the catalog service answers. */
@Resolver(() => OrderLine)
export class OrderLinesResolver {
  @ResolveField(() => Product, { nullable: true })
  product(@Parent() line: OrderLine, @Loaders() loaders: RequestLoaders) {
    return loaders.productById.load(line.productId);
  }
}
