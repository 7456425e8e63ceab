import { ResolveField, Resolver } from '@nestjs/graphql';
import { Product } from '../catalog/product.model.js';
import type { GatewayContext } from '../loaders/request-loaders.js';
import { OrderLine } from './order.model.js';
import type { OrderWithRelations } from './order-relations.js';

/** The product of an order line: a field of OrderLine that the catalog service answers. */
@Resolver(() => OrderLine)
export class OrderLinesResolver {
  // Resolved once per line of every order: see FAST_FIELD_RESOLVER in request-loaders.ts.
  @ResolveField(() => Product, { nullable: true })
  product(line: OrderWithRelations['lines'][number], _args: unknown, { loaders }: GatewayContext) {
    return line.product !== undefined ? line.product : loaders.productById.load(line.productId);
  }
}
