import type { GraphQLResolverMap } from '@apollo/subgraph';
import type DataLoader from 'dataloader';
import { parse } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { PrismaClient, type Product } from '../../apps/catalog/src/generated/prisma/client.js';
import { openSqlClient } from '../sql-client.js';
import { entityLoader } from './entity-loader.js';
import { FEDERATION_LINK, prismaSubgraphDatabase, sqlSubgraphDatabase, type SubgraphDefinition } from './subgraph-definition.js';

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
  connect: {
    prisma: (handle) => prismaSubgraphDatabase(new PrismaClient({ adapter: handle.adapterFactory }), (db) => ({ productById: entityLoader((ids) => db.product.findMany({ where: { id: { in: ids } } })) })),
    // The columns Prisma's Product has, under its field names.
    pg: (handle) =>
      sqlSubgraphDatabase(openSqlClient(handle), ({ query }) => ({
        productById: entityLoader(
          async (ids) => (await query('SELECT id, sku, title, category, price_cents AS "priceCents", currency, updated_at AS "updatedAt" FROM products WHERE id = ANY($1)', [ids])) as unknown as Product[],
        ),
      })),
  },
};
