import { ResolveField, Resolver } from '@nestjs/graphql';
import { Product } from '../catalog/product.model.js';
import type { GatewayContext } from '../loaders/request-loaders.js';
import { OrderPlacementLine } from './order-placement.model.js';

/** The product of a placement's line: a field of OrderPlacementLine that the catalog service answers. */
@Resolver(() => OrderPlacementLine)
export class OrderPlacementLinesResolver {
  // Resolved once per line: see FAST_FIELD_RESOLVER in request-loaders.ts.
  @ResolveField(() => Product, { nullable: true })
  product(line: OrderPlacementLine, _args: unknown, { loaders }: GatewayContext) {
    return loaders.productById.load(line.productId);
  }
}
