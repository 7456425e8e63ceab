import { Field, ID, Int, ObjectType } from '@nestjs/graphql';
import type { Currency, Product as ProductContract, SameFields } from '@tributary/contracts';

@ObjectType({ description: 'A product, owned by the catalog service.' })
export class Product implements ProductContract {
  @Field(() => ID)
  id!: string;
  @Field()
  sku!: string;
  @Field()
  title!: string;
  @Field()
  category!: string;
  @Field(() => Int, { description: 'Price in cents of `currency`.' })
  priceCents!: number;
  @Field(() => String, { description: 'ISO 4217' })
  currency!: Currency;
  @Field(() => Date)
  updatedAt!: string;
}

// A field added to the contract or to this model alone fails `npm run check`.
const _productIsTheContract: SameFields<Product, ProductContract> = true;
