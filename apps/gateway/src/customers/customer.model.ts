import { Field, ID, ObjectType } from '@nestjs/graphql';
import { Connection } from '../pagination/connection.model.js';

@ObjectType({ description: 'A customer, owned by the customers service.' })
export class Customer {
  @Field(() => ID)
  id!: string;
  @Field()
  name!: string;
  @Field()
  email!: string;
  @Field({ description: 'ISO 3166-1 alpha-2' })
  country!: string;
  @Field(() => Date)
  createdAt!: string;
  @Field(() => Date)
  updatedAt!: string;
}

@ObjectType()
export class CustomerConnection extends Connection(Customer) {}
