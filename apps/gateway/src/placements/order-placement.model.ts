import { Field, ID, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { PlacementReason, PlacementState, type Currency, type OrderPlacement as OrderPlacementContract, type SameFields } from '@tributary/contracts';
import { Product } from '../catalog/product.model.js';
import { Customer } from '../customers/customer.model.js';
import { Order } from '../orders/order.model.js';

// Records over the contract's values: a state or reason added there and not described here fails `npm run check`.
const STATES: Record<PlacementState, string> = {
  REQUESTED: 'Recorded, nothing checked yet: a new placeOrder answers in this state.',
  CUSTOMER_CHECKED: "The catalog priced the lines and the customer's credit covers the total: the order exists, PENDING.",
  STOCK_RESERVED: "The catalog holds every line's units.",
  CONFIRMED: 'Final: the reserved units are sold and the order is PLACED.',
  COMPENSATING: 'A step was refused, or the deadline passed: the reserved units are being given back and the order cancelled. Ends REJECTED or FAILED.',
  REJECTED: 'Final: refused for a business reason (see reason). Nothing is sold, no units stay reserved, the order (if written) is CANCELLED.',
  FAILED: 'Final: a service could not be reached before the deadline, or refused a call itself (see reason). Undone as for REJECTED.',
};

const REASONS: Record<PlacementReason, string> = {
  UNKNOWN_CUSTOMER: 'REJECTED: no customer has this id.',
  CUSTOMER_BLOCKED: 'REJECTED: the customer may not buy.',
  CREDIT_REFUSED: "REJECTED: the total is above the customer's credit limit.",
  UNKNOWN_PRODUCT: 'REJECTED: the catalog has no product of a line (reasonDetail lists them).',
  CURRENCY_MISMATCH: "REJECTED: a product is priced in another currency than the order's.",
  OUT_OF_STOCK: 'REJECTED: a line wants more units than are on hand (reasonDetail lists the products).',
  DEADLINE_EXCEEDED: 'FAILED: a service stayed unreachable, or kept failing, until the deadline (reasonDetail: its last error).',
  STEP_REFUSED: "FAILED: a service refused one of the placement's calls as invalid: a defect, not the client's doing.",
};

const described = <K extends string>(descriptions: Record<K, string>) =>
  Object.fromEntries(Object.entries(descriptions).map(([value, description]) => [value, { description }])) as Record<K, { description: string }>;

registerEnumType(PlacementState, {
  name: 'PlacementState',
  description: 'Where an order placement stands. REQUESTED, CUSTOMER_CHECKED, STOCK_RESERVED and COMPENSATING move on by themselves; CONFIRMED, REJECTED and FAILED are final.',
  valuesMap: described(STATES),
});

registerEnumType(PlacementReason, {
  name: 'PlacementReason',
  description: "Why a placement ended REJECTED (the order's doing) or FAILED (the services').",
  valuesMap: described(REASONS),
});

type PlacementLineContract = OrderPlacementContract['lines'][number];

@ObjectType({ description: 'One line of an order placement.' })
export class OrderPlacementLine implements PlacementLineContract {
  @Field(() => ID)
  productId!: string;
  @Field(() => Product, { nullable: true, description: 'From the catalog service; null if no product has this id.' })
  product?: Product | null;
  @Field(() => Int)
  quantity!: number;
  @Field(() => Int, { nullable: true, description: "The catalog's price of one unit, in cents of the order currency; null until the placement has priced the lines (CUSTOMER_CHECKED)." })
  unitPriceCents?: number;
}

@ObjectType({
  description:
    'An order being placed across the services, owned by the orders service: prices come from the catalog, the customer and its credit are checked, the units reserved, then sold and the order PLACED. ' +
    'Follow it with orderPlacement(id, waitSeconds) until it is CONFIRMED, REJECTED or FAILED.',
})
export class OrderPlacement implements OrderPlacementContract {
  @Field(() => ID)
  id!: string;
  @Field({ description: "The client's key this placement was requested with." })
  idempotencyKey!: string;
  @Field(() => PlacementState)
  state!: PlacementState;
  @Field(() => ID)
  customerId!: string;
  @Field(() => Customer, { nullable: true, description: 'From the customers service; null if no customer has this id.' })
  customer?: Customer | null;
  @Field(() => String, { description: 'ISO 4217' })
  currency!: Currency;
  @Field(() => [OrderPlacementLine], { description: 'As requested until the catalog priced them, then with their unit prices.' })
  lines!: OrderPlacementLine[];
  @Field(() => SafeIntResolver, { nullable: true, description: 'Sum of the lines at catalog prices, in cents (SafeInt); null until the lines are priced.' })
  totalCents?: number;
  /** Not a field of its own: `order` resolves it. */
  orderId?: string;
  @Field(() => Order, {
    nullable: true,
    description: 'The order, from CUSTOMER_CHECKED on: PENDING while the placement runs, PLACED once CONFIRMED, CANCELLED once REJECTED or FAILED. Null before.',
  })
  order?: Order | null;
  @Field(() => PlacementReason, { nullable: true, description: 'Why it was REJECTED or FAILED; null otherwise.' })
  reason?: PlacementReason;
  @Field(() => String, { nullable: true, description: 'What the reason is about: the products out of stock, the error of the service that failed.' })
  reasonDetail?: string;
  @Field(() => Int, { description: 'Step attempts that failed for a transient reason (timeout, 5xx, service down) and were retried.' })
  retries!: number;
  @Field(() => String, { nullable: true, description: 'The last transient failure, while the placement retries.' })
  lastError?: string;
  @Field(() => Date, { description: 'Not CONFIRMED by then, the placement gives up: FAILED, DEADLINE_EXCEEDED, everything undone.' })
  deadline!: string;
  @Field(() => Date)
  createdAt!: string;
  @Field(() => Date)
  updatedAt!: string;
}

// A field added to the contract or to these models alone fails `npm run check`; the
// models add only the fields other services answer.
const _placementIsTheContract: SameFields<Omit<OrderPlacement, 'customer' | 'order'>, OrderPlacementContract> = true;
const _placementLineIsTheContract: SameFields<Omit<OrderPlacementLine, 'product'>, PlacementLineContract> = true;
