import { databaseEnv, SERVICES, serviceDatabaseEnv, type SeededDataSet, type ServiceName } from './data-sets.js';
import { freePorts, startProcess, waitUntilIdle, type RunningProcess } from './processes.js';
import type { Scenario, Variables } from './scenarios.js';

export const CONTENDERS = ['tributary', 'naive', 'directSql', 'federation'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

export const CONTENDER_LABELS: Readonly<Record<ContenderName, string>> = {
  tributary: 'Tributary',
  naive: 'Tributary, TRIBUTARY_BATCHING=off',
  directSql: 'Direct SQL, one database',
  federation: 'Apollo Federation gateway',
};

/** One contender as the load generator sees it: an HTTP endpoint answering every scenario. */
export interface Contender {
  name: ContenderName;
  url: string;
  path: string;
  /** The process whose memory is reported: the gateway, or the direct-SQL server. */
  front: RunningProcess;
  requestBody(scenario: Scenario, variables: Variables): string;
  /** The answer in the gateway's shape, or an Error for a failed or partial response. */
  answerOf(scenario: Scenario, status: number, body: unknown): unknown;
  /** HTTP calls the contender has made to services since it started. */
  downstreamCallsSoFar(): Promise<number>;
}

interface GraphQLBody {
  data?: unknown;
  errors?: Array<{ message: string }>;
  extensions?: { downstream?: Record<string, { calls: number }> };
}

function graphqlAnswer(status: number, body: unknown): unknown {
  const { data, errors } = body as GraphQLBody;
  if (status !== 200 || errors?.length || !data) return new Error(`HTTP ${status}: ${errors?.map((e) => e.message).join('; ') ?? JSON.stringify(body).slice(0, 200)}`);
  return data;
}

/** Tributary (batching on or off): downstream calls come from the response's extensions. */
function tributaryContender(name: 'tributary' | 'naive', front: RunningProcess): Contender {
  let calls = 0;
  return {
    name,
    url: front.url,
    path: '/graphql',
    front,
    requestBody: (scenario, variables) => JSON.stringify({ query: scenario.query, variables }),
    answerOf(_scenario, status, body) {
      for (const count of Object.values((body as GraphQLBody).extensions?.downstream ?? {})) calls += count.calls;
      return graphqlAnswer(status, body);
    },
    downstreamCallsSoFar: async () => calls,
  };
}

function federationContender(front: RunningProcess, subgraphs: RunningProcess[]): Contender {
  return {
    name: 'federation',
    url: front.url,
    path: '/graphql',
    front,
    requestBody: (scenario, variables) => JSON.stringify({ query: scenario.federation?.query ?? scenario.query, variables }),
    answerOf(scenario, status, body) {
      const data = graphqlAnswer(status, body);
      return data instanceof Error || !scenario.federation ? data : scenario.federation.toAnswer(data);
    },
    async downstreamCallsSoFar() {
      const counts = await Promise.all(subgraphs.map(async (subgraph) => ((await (await fetch(`${subgraph.url}/stats`)).json()) as { requests: number }).requests));
      return counts.reduce((sum, count) => sum + count, 0);
    },
  };
}

function directSqlContender(front: RunningProcess): Contender {
  return {
    name: 'directSql',
    url: front.url,
    path: '/query',
    front,
    requestBody: (scenario, variables) => JSON.stringify({ scenario: scenario.name, variables }),
    answerOf: (_scenario, status, body) => (status === 200 ? (body as { data: unknown }).data : new Error(`HTTP ${status}: ${JSON.stringify(body).slice(0, 200)}`)),
    downstreamCallsSoFar: async () => 0,
  };
}

/**
 * How every gateway runs, Tributary's and the peer's alike: a larger young generation,
 * as `npm start` gives Tributary's. A gateway's garbage lives for one request; with
 * V8's default 16 MB semi-spaces much of a 1000-row answer survives into the old
 * generation and is copied on the way.
 */
const GATEWAY_NODE_FLAGS = ['--max-semi-space-size=64'];

export interface RunningContenders {
  contenders: Record<ContenderName, Contender>;
  /** Resolves once every process is idle again (after a load run). */
  settle(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts every process of every contender over one data set: the three services with
 * Tributary's gateway and its naive twin in front, the three subgraphs with the
 * Federation gateway in front, and the direct-SQL server.
 */
export async function startContenders(dataSet: SeededDataSet, onStarted: (name: string) => void): Promise<RunningContenders> {
  const started: RunningProcess[] = [];
  const start = async (name: string, script: string, portVariable: string, port: number, env: Record<string, string>, nodeFlags?: string[]) => {
    const process = await startProcess(name, script, portVariable, env, nodeFlags, port);
    started.push(process);
    onStarted(name);
    return process;
  };
  try {
    // Every port first, so that all ten processes start at once: the gateways wait for
    // what is behind them (their /health answers once their services do).
    const ports = await freePorts(2 * SERVICES.length + 4);
    const servicePorts = ports.slice(0, SERVICES.length);
    const subgraphPorts = ports.slice(SERVICES.length, 2 * SERVICES.length);
    const [directSqlPort, tributaryPort, naivePort, federationPort] = ports.slice(2 * SERVICES.length);
    const urlOf = (ports: number[], suffix = '') => Object.fromEntries(SERVICES.map((service, index) => [service, `http://127.0.0.1:${ports[index]}${suffix}`])) as Record<ServiceName, string>;
    const serviceUrls = urlOf(servicePorts);
    const subgraphUrls = urlOf(subgraphPorts, '/graphql');
    const gatewayEnv = { NODE_ENV: 'production', CUSTOMERS_URL: serviceUrls.customers, ORDERS_URL: serviceUrls.orders, CATALOG_URL: serviceUrls.catalog };
    const [, subgraphs, directSql, tributary, naive, federation] = await Promise.all([
      Promise.all(
        SERVICES.map((service, index) =>
          start(service, `apps/${service}/src/main.js`, `${service.toUpperCase()}_PORT`, servicePorts[index]!, { SEED_ON_START: 'false', ...serviceDatabaseEnv(service, dataSet.services[service]) }),
        ),
      ),
      Promise.all(
        SERVICES.map((service, index) =>
          start(`${service} subgraph`, 'bench/federation/subgraph-server.js', 'PORT', subgraphPorts[index]!, { SUBGRAPH: service, ...databaseEnv(dataSet.subgraphs[service]) }),
        ),
      ),
      start('direct SQL', 'bench/direct-sql/direct-sql-server.js', 'PORT', directSqlPort!, databaseEnv(dataSet.combined)),
      start('Tributary gateway', 'apps/gateway/src/main.js', 'GATEWAY_PORT', tributaryPort!, gatewayEnv, GATEWAY_NODE_FLAGS),
      // One call per key is slow by nature: give it room rather than time it out.
      start('naive gateway', 'apps/gateway/src/main.js', 'GATEWAY_PORT', naivePort!, { ...gatewayEnv, TRIBUTARY_BATCHING: 'off', DOWNSTREAM_TIMEOUT_MS: '60000' }, GATEWAY_NODE_FLAGS),
      start(
        'Federation gateway',
        'bench/federation/federation-gateway.js',
        'PORT',
        federationPort!,
        { CUSTOMERS_SUBGRAPH_URL: subgraphUrls.customers, ORDERS_SUBGRAPH_URL: subgraphUrls.orders, CATALOG_SUBGRAPH_URL: subgraphUrls.catalog },
        GATEWAY_NODE_FLAGS,
      ),
    ]);
    return {
      contenders: {
        tributary: tributaryContender('tributary', tributary),
        naive: tributaryContender('naive', naive),
        directSql: directSqlContender(directSql),
        federation: federationContender(federation, subgraphs),
      },
      settle: () => waitUntilIdle(started),
      stop: async () => {
        await Promise.all(started.map((process) => process.stop()));
      },
    };
  } catch (error) {
    await Promise.all(started.map((process) => process.stop()));
    throw error;
  }
}
