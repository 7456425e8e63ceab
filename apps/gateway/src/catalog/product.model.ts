import { Field, ID, Int, ObjectType } from '@nestjs/graphql';

@ObjectType({ description: 'A product, owned by the catalog service.' })
export class Product {
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
  @Field({ description: 'ISO 4217' })
  currency!: string;
  @Field(() => Date)
  updatedAt!: string;
}
