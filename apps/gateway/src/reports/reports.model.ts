import { Field, Int, ObjectType } from '@nestjs/graphql';
import { SafeIntResolver } from 'graphql-scalars';
import { Customer } from '../customers/customer.model.js';

const REVENUE = { description: 'In cents of `currency`; sums exceed 32 bits, so this is a 53-bit integer (SafeInt).' };

/** The field every report row has: where the rates of a converted report came from. */
const RATE_SOURCE = { nullable: true, description: 'With `currency`: where the rates came from (ECB, demo). Null when amounts are in the orders\' own currency.' };

@ObjectType({
  description:
    'Reports over the orders: from the reporting store in one SQL statement, or live, aggregated by the orders service (see `source`). Periods: from inclusive, to exclusive; cancelled orders do not count.',
})
export class Reports {}

@ObjectType()
export class CustomerRevenue {
  customerId!: string;
  @Field(() => Customer, { nullable: true, description: 'Null if the customer no longer exists.' })
  customer?: Customer | null;
  @Field(() => SafeIntResolver, REVENUE)
  revenueCents!: number;
  @Field(() => Int)
  orderCount!: number;
  @Field()
  currency!: string;
  @Field(() => String, RATE_SOURCE)
  rateSource?: string | null;
}

@ObjectType({ description: 'Sales of one month in one currency (or converted into the one asked for).' })
export class MonthlySales {
  @Field({ description: 'YYYY-MM, UTC.' })
  month!: string;
  @Field()
  currency!: string;
  @Field(() => String, RATE_SOURCE)
  rateSource?: string | null;
  @Field(() => SafeIntResolver, REVENUE)
  revenueCents!: number;
  @Field(() => Int)
  orderCount!: number;
  @Field(() => Int, { description: 'Distinct customers who ordered.' })
  customerCount!: number;
}

@ObjectType({ description: 'Sales of one product category in one currency (or converted into the one asked for), from the order lines.' })
export class CategorySales {
  @Field()
  category!: string;
  @Field(() => String, { nullable: true, description: 'YYYY-MM (UTC) with groupBy MONTH; null otherwise.' })
  month?: string | null;
  @Field()
  currency!: string;
  @Field(() => String, RATE_SOURCE)
  rateSource?: string | null;
  @Field(() => SafeIntResolver, REVENUE)
  revenueCents!: number;
  @Field(() => SafeIntResolver, { description: 'Units sold.' })
  units!: number;
}

@ObjectType({ description: "Sales to the customers of one country (their country as the store has it) in one currency." })
export class CountrySales {
  @Field({ description: 'ISO 3166-1 alpha-2; ?? for customers the store does not know yet.' })
  country!: string;
  @Field()
  currency!: string;
  @Field(() => String, RATE_SOURCE)
  rateSource?: string | null;
  @Field(() => SafeIntResolver, REVENUE)
  revenueCents!: number;
  @Field(() => Int)
  orderCount!: number;
  @Field(() => Int, { description: 'Distinct customers who ordered.' })
  customerCount!: number;
}

@ObjectType()
export class CustomerSummary {
  customerId!: string;
  @Field(() => Customer)
  customer!: Customer;
  @Field(() => String, { nullable: true, description: 'Null when the customer has no orders.' })
  currency!: string | null;
  @Field(() => String, RATE_SOURCE)
  rateSource?: string | null;
  @Field(() => SafeIntResolver, REVENUE)
  revenueCents!: number;
  @Field(() => Int)
  orderCount!: number;
  @Field(() => Date, { nullable: true })
  firstOrderAt!: string | null;
  @Field(() => Date, { nullable: true })
  lastOrderAt!: string | null;
}
