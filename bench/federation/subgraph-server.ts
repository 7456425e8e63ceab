import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { expressMiddleware } from '@as-integrations/express5';
import { DatabaseHandle, type DatabaseLocation } from '@tributary/database';
import express from 'express';
import { createServer } from 'node:http';
import { listen, portFromEnv, requiredEnv, stopOnSignal } from './bench-process.js';
import { catalogSubgraph } from './catalog.subgraph.js';
import { customersSubgraph } from './customers.subgraph.js';
import { ordersSubgraph } from './orders.subgraph.js';
import { SUBGRAPH_DRIVERS, type SubgraphDefinition, type SubgraphDriver } from './subgraph-definition.js';

/** Entity representations of a 1000-order page exceed express's 100 kB default. */
const BODY_LIMIT = '16mb';

/**
 * One subgraph of the Apollo Federation peer of the benchmark, on its service's database.
 * SUBGRAPH = customers | orders | catalog, PORT, and DATABASE_URL or DATA_DIR (PGlite);
 * SUBGRAPH_DRIVER = prisma (the default) | pg, how its resolvers read the database.
 */
async function serveSubgraph<TContext extends object>(name: string, definition: SubgraphDefinition<TContext>): Promise<void> {
  const port = portFromEnv();
  const handle = DatabaseHandle.open(databaseLocationFromEnv());
  const database = definition.connect[driverFromEnv()](handle);
  await database.ping();

  const app = express();
  const httpServer = createServer(app);
  const server = new ApolloServer<TContext>({
    schema: buildSubgraphSchema([{ typeDefs: definition.typeDefs, resolvers: definition.resolvers }]),
    // Cache control off, as in Tributary's gateway: its per-field hook would wrap every resolver.
    plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginInlineTraceDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginDrainHttpServer({ httpServer })],
    includeStacktraceInErrorResponses: false,
    // stopOnSignal stops it: Apollo's own handler would race ours into a stop() that never returns.
    stopOnTerminationSignals: false,
  });
  await server.start();

  let graphqlRequests = 0;
  const countRequest: express.RequestHandler = (_req, _res, next) => {
    graphqlRequests++;
    next();
  };
  app.post('/graphql', countRequest, express.json({ limit: BODY_LIMIT }), expressMiddleware(server, { context: async () => database.contextOfRequest() }));
  app.get('/stats', (_req, res) => {
    res.json({ requests: graphqlRequests });
  });
  app.get('/health', async (_req, res) => {
    const up = await database.ping().then(
      () => true,
      () => false,
    );
    res.status(up ? 200 : 503).json({ status: up ? 'ok' : 'database unavailable' });
  });

  await listen(httpServer, port);
  console.log(`${name} subgraph listening on http://127.0.0.1:${port}/graphql (${handle.description})`);
  stopOnSignal(async () => {
    await server.stop();
    await database.disconnect();
    await handle.close();
  });
}

function driverFromEnv(): SubgraphDriver {
  const driver = process.env.SUBGRAPH_DRIVER ?? 'prisma';
  if (!(SUBGRAPH_DRIVERS as readonly string[]).includes(driver)) throw new Error(`SUBGRAPH_DRIVER must be one of ${SUBGRAPH_DRIVERS.join(', ')}, got ${driver}`);
  return driver as SubgraphDriver;
}

function databaseLocationFromEnv(): DatabaseLocation {
  const url = process.env.DATABASE_URL;
  const statementLog = process.env.SQL_STATEMENT_LOG ? { statementLog: process.env.SQL_STATEMENT_LOG } : {};
  if (url) return { url, ...statementLog };
  return { dataDir: requiredEnv('DATA_DIR'), ...statementLog };
}

const SUBGRAPHS: Record<string, () => Promise<void>> = {
  customers: () => serveSubgraph('customers', customersSubgraph),
  orders: () => serveSubgraph('orders', ordersSubgraph),
  catalog: () => serveSubgraph('catalog', catalogSubgraph),
};

const name = requiredEnv('SUBGRAPH');
const serve = SUBGRAPHS[name];
if (!serve) throw new Error(`SUBGRAPH must be one of ${Object.keys(SUBGRAPHS).join(', ')}, got ${name}`);
await serve();
