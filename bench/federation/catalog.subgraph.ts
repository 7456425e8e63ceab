import type { GraphQLResolverMap } from '@apollo/subgraph';
import type DataLoader from 'dataloader';
import { parse } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { PrismaClient, type Product } from '../../apps/catalog/src/generated/prisma/client.js';
import { entityLoader } from './entity-loader.js';
import { FEDERATION_LINK, prismaSubgraphDatabase, type SubgraphDefinition } from './subgraph-definition.js';

export interface CatalogContext {
  productById: DataLoader<string, Product | null>;
}

export const typeDefs = parse(/* GraphQL */ `
  ${FEDERATION_LINK}

  scalar DateTime

  "A product, owned by the catalog service."
  type Product @key(fields: "id") {
    id: ID!
    sku: String!
    title: String!
    category: String!
    "Price in cents of currency."
    priceCents: Int!
    "ISO 4217"
    currency: String!
    updatedAt: DateTime!
  }

  type Query {
    "One product; null if none has this id."
    product(id: ID!): Product
  }
`);

export const resolvers: GraphQLResolverMap<CatalogContext> = {
  DateTime: DateTimeResolver,
  Query: {
    product: (_: unknown, { id }: { id: string }, context: CatalogContext) => context.productById.load(id),
  },
  Product: {
    __resolveReference: ({ id }: { id: string }, context: CatalogContext) => context.productById.load(id),
  },
};

export const catalogSubgraph: SubgraphDefinition<CatalogContext> = {
  typeDefs,
  resolvers,
  connect: (handle) => prismaSubgraphDatabase(new PrismaClient({ adapter: handle.adapterFactory }), (db) => ({ productById: entityLoader((ids) => db.product.findMany({ where: { id: { in: ids } } })) })),
};
