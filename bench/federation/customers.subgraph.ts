import type { GraphQLResolverMap } from '@apollo/subgraph';
import type DataLoader from 'dataloader';
import { parse } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { PrismaClient, type Customer } from '../../apps/customers/src/generated/prisma/client.js';
import { entityLoader } from './entity-loader.js';
import { FEDERATION_LINK, prismaSubgraphDatabase, type SubgraphDefinition } from './subgraph-definition.js';

export interface CustomersContext {
  customerById: DataLoader<string, Customer | null>;
}

export const typeDefs = parse(/* GraphQL */ `
  ${FEDERATION_LINK}

  scalar DateTime

  "A customer, owned by the customers service."
  type Customer @key(fields: "id") {
    id: ID!
    name: String!
    email: String!
    "ISO 3166-1 alpha-2"
    country: String!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type Query {
    "One customer; null if none has this id."
    customer(id: ID!): Customer
  }
`);

export const resolvers: GraphQLResolverMap<CustomersContext> = {
  DateTime: DateTimeResolver,
  Query: {
    customer: (_: unknown, { id }: { id: string }, context: CustomersContext) => context.customerById.load(id),
  },
  Customer: {
    __resolveReference: ({ id }: { id: string }, context: CustomersContext) => context.customerById.load(id),
  },
};

export const customersSubgraph: SubgraphDefinition<CustomersContext> = {
  typeDefs,
  resolvers,
  connect: (handle) => prismaSubgraphDatabase(new PrismaClient({ adapter: handle.adapterFactory }), (db) => ({ customerById: entityLoader((ids) => db.customer.findMany({ where: { id: { in: ids } } })) })),
};
