import { Args, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { OrderPlacementRequest } from '@tributary/contracts';
import { Customer } from '../customers/customer.model.js';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Downstream } from '../downstream/downstream.service.js';
import { Loaders, RequestStats, type RequestLoaders } from '../loaders/request-loaders.js';
import { Order } from '../orders/order.model.js';
import { OrderPlacementArgs } from './order-placement.args.js';
import { OrderPlacement } from './order-placement.model.js';
import { PlaceOrderInput } from './place-order.input.js';

const toRequest = ({ idempotencyKey, customerId, currency, lines }: PlaceOrderInput): OrderPlacementRequest => ({
  idempotencyKey,
  customerId,
  currency,
  lines: lines.map(({ productId, quantity }) => ({ productId, quantity })),
});

/**
 * Order placement through the gateway: the orders service runs the placement
 * (POST /v1/orderPlacements); the gateway requests and follows it, and adds the
 * customer, the products and the order from their services.
 */
@Resolver(() => OrderPlacement)
export class OrderPlacementsResolver {
  constructor(private readonly downstream: Downstream) {}

  @Mutation(() => OrderPlacement, {
    nullable: true,
    description:
      "Places an order across the services. Prices come from the catalog, never from the input. Answers at once, in REQUESTED; follow it with orderPlacement(id, waitSeconds). " +
      'The placement checks the customer and its credit at catalog prices (the order then exists, PENDING), reserves the units, then sells them: CONFIRMED, the order PLACED. ' +
      'A refusal (unknown customer or product, credit, currency, stock) ends it REJECTED, a service unreachable until the deadline FAILED; either way the reserved units are given back and the order is CANCELLED. ' +
      'Idempotent by idempotencyKey: the same input again answers the same placement.',
  })
  placeOrder(@Args('input') input: PlaceOrderInput, @RequestStats() stats: DownstreamStats): Promise<OrderPlacement> {
    return this.downstream.orders.placeOrder(toRequest(input), stats);
  }

  @Query(() => OrderPlacement, {
    nullable: true,
    description: 'An order placement; null if none has this id. With waitSeconds, a long poll: answers as soon as the placement is CONFIRMED, REJECTED or FAILED, or when the time is up.',
  })
  orderPlacement(@Args() { id, waitSeconds }: OrderPlacementArgs, @RequestStats() stats: DownstreamStats): Promise<OrderPlacement | null> {
    return this.downstream.orders.orderPlacement(id, waitSeconds, stats);
  }

  @ResolveField(() => Customer, { nullable: true })
  customer(@Parent() placement: OrderPlacement, @Loaders() loaders: RequestLoaders) {
    return loaders.customerById.load(placement.customerId);
  }

  @ResolveField(() => Order, { nullable: true })
  order(@Parent() placement: OrderPlacement, @Loaders() loaders: RequestLoaders) {
    return placement.orderId ? loaders.orderById.load(placement.orderId) : null;
  }
}
