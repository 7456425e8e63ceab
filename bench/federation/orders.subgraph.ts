import type { GraphQLResolverMap } from '@apollo/subgraph';
import { parse } from 'graphql';
import { DateTimeResolver, SafeIntResolver } from 'graphql-scalars';
import { PrismaClient } from '../../apps/orders/src/generated/prisma/client.js';
import { openSqlClient } from '../sql-client.js';
import { readOrdersPage, type OrderRow, type OrdersArgs, type OrdersConnection } from './orders-page.js';
import { readOrdersPageSql } from './orders-page-sql.js';
import { prismaRawQuery, salesByMonth, salesByProduct, sqlRawQuery, topCustomers, type PeriodArgs, type RawQuery, type TopCustomersArgs } from './orders-reports.js';
import { FEDERATION_LINK, prismaSubgraphDatabase, sqlSubgraphDatabase, type SubgraphDefinition } from './subgraph-definition.js';

/** The orders subgraph's reads, through Prisma or plain SQL: a page of the connection, and the reports' statements. */
export interface OrdersContext {
  ordersPage(args: OrdersArgs): Promise<OrdersConnection>;
  queryRaw: RawQuery;
}

const PERIOD_ARGS = /* GraphQL */ `
  "Start of the period, inclusive (ISO-8601)."
  from: DateTime!
  "End of the period, exclusive (ISO-8601)."
  to: DateTime!
`;

export const typeDefs = parse(/* GraphQL */ `
  ${FEDERATION_LINK}

  scalar DateTime
  scalar SafeInt

  type Customer @key(fields: "id", resolvable: false) {
    id: ID!
  }

  type Product @key(fields: "id", resolvable: false) {
    id: ID!
  }

  enum OrderStatus {
    PLACED
    PAID
    SHIPPED
    CANCELLED
  }

  "Filters of the orders connection; periods are from inclusive, to exclusive."
  input OrderFilter {
    customerId: ID
    status: OrderStatus
    placedFrom: DateTime
    placedTo: DateTime
    "Only orders changed at or after this instant."
    updatedSince: DateTime
  }

  "An order, owned by the orders service."
  type Order {
    id: ID!
    customerId: ID!
    "Null if the customer no longer exists."
    customer: Customer
    placedAt: DateTime!
    status: OrderStatus!
    "ISO 4217"
    currency: String!
    "Sum of the lines, in cents."
    totalCents: SafeInt!
    updatedAt: DateTime!
    lines: [OrderLine!]!
  }

  "One line of an order."
  type OrderLine {
    lineNo: Int!
    productId: ID!
    "Null if the product no longer exists."
    product: Product
    quantity: Int!
    "Price of one unit in cents of the order currency."
    unitPriceCents: Int!
  }

  type OrderEdge {
    "Opaque; pass as after to continue after this edge."
    cursor: String!
    node: Order!
  }

  type PageInfo {
    hasNextPage: Boolean!
    hasPreviousPage: Boolean!
    startCursor: String
    endCursor: String
  }

  type OrderConnection {
    edges: [OrderEdge!]!
    pageInfo: PageInfo!
  }

  type CustomerRevenue {
    customer: Customer
    currency: String!
    revenueCents: SafeInt!
    orderCount: Int!
  }

  type MonthlySales {
    "YYYY-MM, UTC."
    month: String!
    currency: String!
    revenueCents: SafeInt!
    orderCount: Int!
    "Distinct customers who ordered."
    customerCount: Int!
  }

  "Sales of one product in one currency; a federation gateway cannot group by a field of another subgraph, so clients group by category."
  type ProductSales {
    product: Product
    currency: String!
    revenueCents: SafeInt!
    units: SafeInt!
  }

  "Reports over the orders, aggregated in SQL. Periods: from inclusive, to exclusive; cancelled orders do not count."
  type Reports {
    topCustomers(${PERIOD_ARGS} "1 to 1000; null means 10." limit: Int = 10): [CustomerRevenue!]!
    salesByMonth(${PERIOD_ARGS}): [MonthlySales!]!
    salesByProduct(${PERIOD_ARGS}): [ProductSales!]!
  }

  type Query {
    "Orders in the order of their last change, filtered."
    orders(first: Int! = 100, after: String, filter: OrderFilter): OrderConnection!
    reports: Reports!
  }
`);

const customerReference = (id: string) => ({ __typename: 'Customer', id });
const productReference = (id: string) => ({ __typename: 'Product', id });

export const resolvers: GraphQLResolverMap<OrdersContext> = {
  DateTime: DateTimeResolver,
  SafeInt: SafeIntResolver,
  Query: {
    orders: (_: unknown, args: OrdersArgs, { ordersPage }: OrdersContext) => ordersPage(args),
    reports: () => ({}),
  },
  Order: {
    customer: (order: OrderRow) => customerReference(order.customerId),
    // A 64-bit column: Prisma gives a bigint (pg text), as the orders service's toOrderDto converts it.
    totalCents: (order: OrderRow) => Number(order.totalCents),
  },
  OrderLine: {
    product: (line: OrderRow['lines'][number]) => productReference(line.productId),
  },
  Reports: {
    topCustomers: (_: unknown, args: TopCustomersArgs, { queryRaw }: OrdersContext) => topCustomers(queryRaw, args),
    salesByMonth: (_: unknown, args: PeriodArgs, { queryRaw }: OrdersContext) => salesByMonth(queryRaw, args),
    salesByProduct: (_: unknown, args: PeriodArgs, { queryRaw }: OrdersContext) => salesByProduct(queryRaw, args),
  },
  CustomerRevenue: {
    customer: ({ customerId }: { customerId: string }) => customerReference(customerId),
  },
  ProductSales: {
    product: ({ productId }: { productId: string }) => productReference(productId),
  },
};

export const ordersSubgraph: SubgraphDefinition<OrdersContext> = {
  typeDefs,
  resolvers,
  // Orders resolves no entities: references to customers and products carry only ids.
  connect: {
    prisma: (handle) => prismaSubgraphDatabase(new PrismaClient({ adapter: handle.adapterFactory }), (db) => ({ ordersPage: (args) => readOrdersPage(db, args), queryRaw: prismaRawQuery(db) })),
    pg: (handle) => sqlSubgraphDatabase(openSqlClient(handle), ({ query }) => ({ ordersPage: (args) => readOrdersPageSql(query, args), queryRaw: sqlRawQuery(query) })),
  },
};
