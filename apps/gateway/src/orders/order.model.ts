import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { IsOptional, MaxLength, ValidateNested } from 'class-validator';
import { SafeIntResolver } from 'graphql-scalars';
import { MAX_ID_LENGTH, OrderStatus, type Currency, type Order as OrderContract, type OrderLine as OrderLineContract, type SameFields } from '@tributary/contracts';
import { Customer } from '../customers/customer.model.js';
import { Product } from '../catalog/product.model.js';
import { ConnectionArgs } from '../pagination/connection.args.js';
import { Connection } from '../pagination/connection.model.js';

registerEnumType(OrderStatus, { name: 'OrderStatus' });

@ObjectType({ description: 'One line of an order.' })
export class OrderLine implements OrderLineContract {
  @Field(() => Int)
  lineNo!: number;
  @Field(() => ID)
  productId!: string;
  @Field(() => Int)
  quantity!: number;
  @Field(() => Int, { description: 'Price of one unit in cents of the order currency.' })
  unitPriceCents!: number;
  @Field(() => Product, { nullable: true, description: 'From the catalog service; null if the product no longer exists.' })
  product?: Product | null;
}

@ObjectType({ description: 'An order, owned by the orders service.' })
export class Order implements OrderContract {
  @Field(() => ID)
  id!: string;
  @Field(() => ID)
  customerId!: string;
  @Field(() => Date)
  placedAt!: string;
  @Field(() => OrderStatus)
  status!: OrderStatus;
  @Field(() => String, { description: 'ISO 4217' })
  currency!: Currency;
  @Field(() => SafeIntResolver, { description: 'Sum of the lines, in cents; beyond 32 bits, so a 53-bit integer (SafeInt).' })
  totalCents!: number;
  @Field(() => Int, { description: 'Sum of the quantities of the lines.' })
  units!: number;
  @Field(() => Date)
  updatedAt!: string;
  @Field(() => [OrderLine])
  lines!: OrderLine[];
  @Field(() => Customer, { nullable: true, description: 'From the customers service; null if the customer no longer exists.' })
  customer?: Customer | null;
}

// A field added to the contract or to these models alone fails `npm run check`; the
// models add only the fields other services answer.
const _orderIsTheContract: SameFields<Omit<Order, 'customer'>, OrderContract> = true;
const _orderLineIsTheContract: SameFields<Omit<OrderLine, 'product'>, OrderLineContract> = true;

@ObjectType()
export class OrderConnection extends Connection(Order) {}

@InputType({ description: 'Filters of the orders connection; periods are from inclusive, to exclusive.' })
export class OrderFilter {
  @Field(() => ID, { nullable: true })
  @IsOptional()
  @MaxLength(MAX_ID_LENGTH)
  customerId?: string;
  @Field(() => OrderStatus, { nullable: true })
  @IsOptional()
  status?: OrderStatus;
  @Field(() => Date, { nullable: true })
  @IsOptional()
  placedFrom?: Date;
  @Field(() => Date, { nullable: true })
  @IsOptional()
  placedTo?: Date;
  @Field(() => Date, { nullable: true, description: 'Only orders changed at or after this instant.' })
  @IsOptional()
  updatedSince?: Date;
}

@ArgsType()
export class OrdersArgs extends ConnectionArgs {
  @Field(() => OrderFilter, { nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => OrderFilter)
  filter?: OrderFilter;
}
