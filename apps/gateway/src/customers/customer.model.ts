import { Field, ID, ObjectType } from '@nestjs/graphql';
import type { Customer as CustomerContract, SameFields } from '@tributary/contracts';
import { Connection } from '../pagination/connection.model.js';

@ObjectType({ description: 'A customer, owned by the customers service.' })
export class Customer implements CustomerContract {
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

// A field added to the contract or to this model alone fails `npm run check`.
const _customerIsTheContract: SameFields<Customer, CustomerContract> = true;

@ObjectType()
export class CustomerConnection extends Connection(Customer) {}
