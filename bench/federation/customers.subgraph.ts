import type { GraphQLResolverMap } from '@apollo/subgraph';
import type DataLoader from 'dataloader';
import { parse } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { PrismaClient, type Customer } from '../../apps/customers/src/generated/prisma/client.js';
import { openSqlClient } from '../sql-client.js';
import { entityLoader } from './entity-loader.js';
import { FEDERATION_LINK, prismaSubgraphDatabase, sqlSubgraphDatabase, type SubgraphDefinition } from './subgraph-definition.js';

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
  connect: {
    prisma: (handle) => prismaSubgraphDatabase(new PrismaClient({ adapter: handle.adapterFactory }), (db) => ({ customerById: entityLoader((ids) => db.customer.findMany({ where: { id: { in: ids } } })) })),
    // The columns Prisma's Customer has, under its field names.
    pg: (handle) =>
      sqlSubgraphDatabase(openSqlClient(handle), ({ query }) => ({
        customerById: entityLoader(async (ids) => (await query('SELECT id, name, email, country, created_at AS "createdAt", updated_at AS "updatedAt" FROM customers WHERE id = ANY($1)', [ids])) as unknown as Customer[]),
      })),
  },
};
