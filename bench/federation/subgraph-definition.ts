import type { GraphQLResolverMap } from '@apollo/subgraph';
import type { DatabaseHandle } from '@tributary/database';
import type { DocumentNode } from 'graphql';
import type { SqlClient } from '../sql-client.js';

/** A subgraph's link to its service's database, opened once per process. */
export interface SubgraphDatabase<TContext extends object> {
  /** The context of one GraphQL request, with loaders of its own. */
  contextOfRequest(): TContext;
  /** Resolves once the database answers a query. */
  ping(): Promise<void>;
  disconnect(): Promise<void>;
}

/** What a subgraph needs of a generated Prisma client. */
interface PrismaClientLike {
  $executeRawUnsafe(query: string): Promise<number>;
  $disconnect(): Promise<void>;
}

/** A subgraph's database through its service's Prisma client: per-request contexts, a ping, a disconnect. */
export function prismaSubgraphDatabase<TDb extends PrismaClientLike, TContext extends object>(db: TDb, contextOfRequest: (db: TDb) => TContext): SubgraphDatabase<TContext> {
  return {
    contextOfRequest: () => contextOfRequest(db),
    ping: async () => void (await db.$executeRawUnsafe('SELECT 1')),
    disconnect: () => db.$disconnect(),
  };
}

/** A subgraph's database through plain SQL (pg, or the embedded PGlite): the same contexts, a ping, a close. */
export function sqlSubgraphDatabase<TContext extends object>(sql: SqlClient, contextOfRequest: (sql: SqlClient) => TContext): SubgraphDatabase<TContext> {
  return {
    contextOfRequest: () => contextOfRequest(sql),
    ping: async () => void (await sql.query('SELECT 1', [])),
    disconnect: () => sql.close(),
  };
}

/** How a subgraph reads its database: its service's Prisma client, or plain SQL (SUBGRAPH_DRIVER=pg). */
export const SUBGRAPH_DRIVERS = ['prisma', 'pg'] as const;
export type SubgraphDriver = (typeof SUBGRAPH_DRIVERS)[number];

/**
 * One subgraph: its schema, its resolvers, and how it reaches its database with each
 * driver. The resolvers see the same context either way: only the reads differ.
 */
export interface SubgraphDefinition<TContext extends object> {
  typeDefs: DocumentNode;
  resolvers: GraphQLResolverMap<TContext>;
  connect: Record<SubgraphDriver, (handle: DatabaseHandle) => SubgraphDatabase<TContext>>;
}

/** The federation directives every subgraph imports. */
export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])';
