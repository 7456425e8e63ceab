import { ApolloGateway, IntrospectAndCompose, RemoteGraphQLDataSource, type ServiceEndpointDefinition } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { createServer } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { Agent, fetch } from 'undici';
import { listen, portFromEnv, requiredEnv, stopOnSignal } from './bench-process.js';

const SUBGRAPHS_READY_TIMEOUT_MS = 60_000;

/**
 * The Apollo Federation peer's gateway: @apollo/gateway composing the three subgraphs.
 * PORT, CUSTOMERS_SUBGRAPH_URL, ORDERS_SUBGRAPH_URL, CATALOG_SUBGRAPH_URL.
 */
const port = portFromEnv();
const subgraphs = [
  { name: 'customers', url: requiredEnv('CUSTOMERS_SUBGRAPH_URL') },
  { name: 'orders', url: requiredEnv('ORDERS_SUBGRAPH_URL') },
  { name: 'catalog', url: requiredEnv('CATALOG_SUBGRAPH_URL') },
] satisfies ServiceEndpointDefinition[];

// The same pool our gateway keeps per service: 64 keep-alive connections.
const dispatcher = new Agent({ connections: 64, keepAliveTimeout: 30_000, pipelining: 1 });

/** Composition introspects every subgraph once at start: wait until each answers. */
async function waitForSubgraphs(): Promise<void> {
  const deadline = Date.now() + SUBGRAPHS_READY_TIMEOUT_MS;
  for (const { name, url } of subgraphs) {
    const health = new URL('/health', url);
    while (!(await fetch(health, { dispatcher }).then((response) => response.ok, () => false))) {
      if (Date.now() > deadline) throw new Error(`subgraph ${name} did not answer ${health} within ${SUBGRAPHS_READY_TIMEOUT_MS} ms`);
      await sleep(250);
    }
  }
}

await waitForSubgraphs();
const gateway = new ApolloGateway({
  supergraphSdl: new IntrospectAndCompose({ subgraphs }),
  buildService: ({ url }) => new RemoteGraphQLDataSource({ url, fetcher: (input, init) => fetch(input, { ...init, dispatcher }) }),
});

const app = express();
const httpServer = createServer(app);
const server = new ApolloServer({
  gateway,
  plugins: [ApolloServerPluginLandingPageDisabled(), ApolloServerPluginCacheControlDisabled(), ApolloServerPluginDrainHttpServer({ httpServer })],
  includeStacktraceInErrorResponses: false,
  // stopOnSignal stops it: Apollo's own handler would race ours into a stop() that never returns.
  stopOnTerminationSignals: false,
});
await server.start();

app.post('/graphql', express.json(), expressMiddleware(server));
app.get('/health', (_req, res) => {
  res.json({ status: 'ok' });
});

await listen(httpServer, port);
console.log(`federation gateway listening on http://127.0.0.1:${port}/graphql`);
stopOnSignal(async () => {
  await server.stop();
  await dispatcher.close();
});
