import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ApiKeyStore } from '../apps/gateway/src/auth/api-key-store.js';
import type { DatabaseLocation } from '@tributary/database';
import { databaseEnv, SERVICES, serviceDatabaseEnv, type SeededDataSet, type ServiceName } from './data-sets.js';
import { startGrafbase } from './federation/grafbase-gateway.js';
import type { SubgraphDriver } from './federation/subgraph-definition.js';
import { freePorts, startProcess, waitUntilIdle, type RunningProcess } from './processes.js';
import type { Scenario, Variables } from './scenarios.js';

export const CONTENDERS = ['tributary', 'naive', 'directSql', 'federation', 'store', 'federationPg', 'grafbase'] as const;
export type ContenderName = (typeof CONTENDERS)[number];

export const CONTENDER_LABELS: Readonly<Record<ContenderName, string>> = {
  tributary: 'Tributary',
  naive: 'Tributary, TRIBUTARY_BATCHING=off',
  directSql: 'Direct SQL, one database',
  federation: 'Apollo Federation gateway',
  store: 'Tributary, reporting store',
  federationPg: 'Apollo Federation gateway, raw pg subgraphs',
  grafbase: 'Grafbase gateway (Rust), Prisma subgraphs',
};

/** The Federation peers: one gateway over three subgraphs, each on its service's database. */
const PEERS = {
  federation: { gateway: 'apollo', driver: 'prisma' },
  federationPg: { gateway: 'apollo', driver: 'pg' },
  grafbase: { gateway: 'grafbase', driver: 'prisma' },
} as const satisfies Partial<Record<ContenderName, { gateway: 'apollo' | 'grafbase'; driver: SubgraphDriver }>>;
type PeerName = keyof typeof PEERS;
const isPeer = (name: ContenderName): name is PeerName => name in PEERS;

/** One contender as the load generator sees it: an HTTP endpoint answering every scenario, and its processes. */
export interface Contender {
  name: ContenderName;
  url: string;
  path: string;
  /** The process that answers the client (a gateway, or the direct-SQL server): its memory is reported. */
  front: RunningProcess;
  /** Every process of the contender, the front included: their CPU time is reported. */
  processes: RunningProcess[];
  requestBody(scenario: Scenario, variables: Variables): string;
  /** The answer in the gateway's shape, or an Error for a failed or partial response. */
  answerOf(scenario: Scenario, status: number, body: unknown): unknown;
  /** HTTP calls the contender has made to services since it started. */
  downstreamCallsSoFar(): Promise<number>;
  /** Resolves once every process is idle again (after a load run). */
  settle(): Promise<void>;
  stop(): Promise<void>;
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

/**
 * The flags every process of every contender runs with, services and subgraphs as well
 * as gateways: a larger young generation, as `npm start` gives Tributary's gateway. A
 * request's garbage lives for that request; with V8's default 16 MB semi-spaces much
 * of a 1000-row answer survives into the old generation and is copied on the way.
 */
export const NODE_FLAGS = ['--max-semi-space-size=64'];

export interface ContenderOptions {
  /** Each process writes the SQL statements it sends to `<dir>/<contender>-<process>.ndjson` (for the plans). */
  statementLogDir?: string;
  /** Progress of a long start (the store contender's first fill). */
  onProgress?: (line: string) => void;
}

/** Where a process of a contender writes its SQL statements. */
export const statementLogOf = (dir: string, contender: ContenderName, process: string) => `${dir}/${contender}-${process.replaceAll(' ', '-')}.ndjson`;

type Start = (name: string, script: string, portVariable: string, port: number, env: Record<string, string>) => Promise<RunningProcess>;

/** The gateways run in production mode, which needs a service credential: every process of a run shares this secret, so the services check it. */
const SERVICE_TOKEN_SECRET = randomBytes(32).toString('base64url');

/**
 * Production mode needs its secrets too, and a credential on every request: the
 * benchmark's gateways read one key store with one reporter key, which every request
 * sends (benchRequestHeaders; the other contenders ignore the header). Rate limits are
 * off: the benchmark is one client that asks as fast as it is answered.
 */
const benchGateway = memoize(() => {
  const keyStore = join(mkdtempSync(join(tmpdir(), 'tributary-bench-keys-')), 'api-keys.json');
  const key = new ApiKeyStore(keyStore).create('benchmark', 'reporter').key;
  process.once('exit', () => rmSync(dirname(keyStore), { recursive: true, force: true }));
  return {
    env: { NODE_ENV: 'production', CURSOR_SECRET: randomBytes(32).toString('base64url'), API_KEYS_FILE: keyStore, RATE_LIMIT: 'off' },
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
  };
});

/** The headers of every request the benchmark sends to a contender. */
export const benchRequestHeaders = (): Record<string, string> => benchGateway().headers;

function memoize<T>(make: () => T): () => T {
  let made: { value: T } | undefined;
  return () => (made ??= { value: make() }).value;
}

function processStarter(contender: ContenderName, started: RunningProcess[], options: ContenderOptions): Start {
  return async (name, script, portVariable, port, env) => {
    const log: Record<string, string> = options.statementLogDir ? { SQL_STATEMENT_LOG: statementLogOf(options.statementLogDir, contender, name) } : {};
    const process = await startProcess(name, script, portVariable, { SERVICE_TOKEN_SECRET, ...env, ...log }, NODE_FLAGS, port);
    started.push(process);
    return process;
  };
}

const urlOf = (ports: number[], suffix = '') => Object.fromEntries(SERVICES.map((service, index) => [service, `http://127.0.0.1:${ports[index]}${suffix}`])) as Record<ServiceName, string>;

async function startServices(start: Start, dataSet: SeededDataSet, ports?: number[], env: Record<string, string> = {}): Promise<Record<ServiceName, string>> {
  ports ??= await freePorts(SERVICES.length);
  await Promise.all(
    SERVICES.map((service, index) =>
      start(service, `apps/${service}/src/main.js`, `${service.toUpperCase()}_PORT`, ports[index]!, { SEED_ON_START: 'false', ...env, ...serviceDatabaseEnv(service, dataSet.services[service]) }),
    ),
  );
  return urlOf(ports);
}

const STORE_FILL_TIMEOUT_MS = 30 * 60_000;

/** Polls the store's reconciliation until every table holds what its service holds. */
export async function storeFilled(reportingUrl: string, onProgress?: (line: string) => void): Promise<void> {
  const deadline = Date.now() + STORE_FILL_TIMEOUT_MS;
  let last = '';
  while (Date.now() < deadline) {
    const { tables } = (await (await fetch(`${reportingUrl}/v1/reconciliation`)).json()) as { tables: Array<{ table: string; matches: boolean; source: { count: number } | null; store: { count: number } }> };
    if (tables.every((t) => t.matches)) return;
    const line = tables.map((t) => `${t.table} ${t.store.count}/${t.source?.count ?? '?'}`).join(', ');
    if (line !== last) onProgress?.(`    the pumps are filling the store: ${line}`);
    last = line;
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
  throw new Error(`the reporting store at ${reportingUrl} did not catch up within ${STORE_FILL_TIMEOUT_MS / 60_000} minutes`);
}

/**
 * Tributary with its reporting store: the services with their pumps on, the reporting
 * app, and the gateway asking the store for every report (source: REPORTING). The store
 * persists between repetitions, as the services' databases do: only the first start
 * fills it.
 */
async function startStore(start: Start, dataSet: SeededDataSet, onProgress?: (line: string) => void): Promise<RunningProcess> {
  const { reportingUrl, services, gatewayPort } = await startPumpedServices(start, dataSet, dataSet.reporting);
  await storeFilled(reportingUrl, onProgress);
  return start('gateway', 'apps/gateway/src/main.js', 'GATEWAY_PORT', gatewayPort, { ...benchGateway().env, ...ownersEnv(services), REPORTING_URL: reportingUrl });
}

const ownersEnv = (services: Record<ServiceName, string>) => ({ CUSTOMERS_URL: services.customers, ORDERS_URL: services.orders, CATALOG_URL: services.catalog });

/** The reporting app on `reporting`, then (unless told not to) the services with their pumps delivering to it. */
async function startPumpedServices(start: Start, dataSet: SeededDataSet, reporting: DatabaseLocation, pumpEnv: Record<string, string> = {}, withServices = true) {
  const ports = await freePorts(SERVICES.length + 2);
  const [reportingPort, gatewayPort] = ports.slice(SERVICES.length) as [number, number];
  const reportingUrl = `http://127.0.0.1:${reportingPort}`;
  const services = urlOf(ports);
  const store: Record<string, string> = reporting.url ? { REPORTING_DATABASE_URL: reporting.url } : { REPORTING_DATA_DIR: reporting.dataDir! };
  await start('reporting', 'apps/reporting/src/main.js', 'REPORTING_PORT', reportingPort, { ...ownersEnv(services), ...store, REPORTING_SQL_PORT: 'off' });
  if (withServices) await startServices(start, dataSet, ports, { PUMP_SCHEDULE: 'on', REPORTING_URL: reportingUrl, ...pumpEnv });
  return { reportingUrl, services, gatewayPort };
}

/** The services pumping into a store of their own (or the reporting app alone), for the pump scenario: no gateway. */
export async function startPumpedSystem(dataSet: SeededDataSet, reporting: DatabaseLocation, pumpEnv: Record<string, string>, { services = true } = {}) {
  const started: RunningProcess[] = [];
  const start = processStarter('store', started, {});
  try {
    const system = await startPumpedServices(start, dataSet, reporting, pumpEnv, services);
    return { ...system, stop: () => Promise.all(started.map((p) => p.stop())).then(() => undefined) };
  } catch (error) {
    await Promise.all(started.map((p) => p.stop()));
    throw error;
  }
}

/** A report's document, asking the store for it. */
const fromStore = (query: string) => query.replace(/(reports \{ \w+\()/, '$1source: REPORTING, ');

async function startTributary(name: 'tributary' | 'naive', start: Start, dataSet: SeededDataSet): Promise<RunningProcess> {
  const services = await startServices(start, dataSet);
  const [port] = await freePorts(1);
  // The live path: no reporting store, so every report is answered by the services.
  const env = { ...benchGateway().env, CUSTOMERS_URL: services.customers, ORDERS_URL: services.orders, CATALOG_URL: services.catalog, REPORTING_URL: 'off' };
  // One call per key is slow by nature: give it room rather than time it out.
  const naive = { TRIBUTARY_BATCHING: 'off', DOWNSTREAM_TIMEOUT_MS: '60000' };
  return start(name === 'naive' ? 'naive gateway' : 'gateway', 'apps/gateway/src/main.js', 'GATEWAY_PORT', port!, name === 'naive' ? { ...env, ...naive } : env);
}

/** A Federation peer: its three subgraphs (reading through Prisma or plain SQL), then its gateway (Apollo's, or Grafbase's binary). */
async function startPeer(name: PeerName, start: Start, started: RunningProcess[], dataSet: SeededDataSet): Promise<{ front: RunningProcess; subgraphs: RunningProcess[] }> {
  const { gateway, driver } = PEERS[name];
  const ports = await freePorts(SERVICES.length + 1);
  const subgraphs = await Promise.all(
    SERVICES.map((service, index) =>
      start(`${service} subgraph`, 'bench/federation/subgraph-server.js', 'PORT', ports[index]!, { SUBGRAPH: service, SUBGRAPH_DRIVER: driver, ...databaseEnv(dataSet.subgraphs[service]) }),
    ),
  );
  const urls = urlOf(ports, '/graphql');
  const gatewayPort = ports[SERVICES.length]!;
  if (gateway === 'grafbase') {
    const front = await startGrafbase(urls, gatewayPort);
    started.push(front);
    return { front, subgraphs };
  }
  const front = await start('gateway', 'bench/federation/federation-gateway.js', 'PORT', gatewayPort, {
    CUSTOMERS_SUBGRAPH_URL: urls.customers,
    ORDERS_SUBGRAPH_URL: urls.orders,
    CATALOG_SUBGRAPH_URL: urls.catalog,
  });
  return { front, subgraphs };
}

/**
 * Starts one contender's processes over a data set, and only those: the benchmark
 * measures one contender at a time, on a machine that runs nothing else of it, and
 * starts it afresh for every repetition.
 */
export async function startContender(name: ContenderName, dataSet: SeededDataSet, options: ContenderOptions = {}): Promise<Contender> {
  const started: RunningProcess[] = [];
  const start = processStarter(name, started, options);
  const stop = async () => {
    await Promise.all(started.map((process) => process.stop()));
  };
  try {
    const common = { name, processes: started, settle: () => waitUntilIdle(started), stop };
    if (name === 'tributary' || name === 'naive' || name === 'store') {
      const front = name === 'store' ? await startStore(start, dataSet, options.onProgress) : await startTributary(name, start, dataSet);
      let calls = 0;
      return {
        ...common,
        url: front.url,
        path: '/graphql',
        front,
        requestBody: (scenario, variables) => JSON.stringify({ query: name === 'store' && scenario.kind === 'report' ? fromStore(scenario.query) : scenario.query, variables }),
        answerOf(_scenario, status, body) {
          for (const count of Object.values((body as GraphQLBody).extensions?.downstream ?? {})) calls += count.calls;
          return graphqlAnswer(status, body);
        },
        downstreamCallsSoFar: async () => calls,
      };
    }
    if (isPeer(name)) {
      const { front, subgraphs } = await startPeer(name, start, started, dataSet);
      return {
        ...common,
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
    const [port] = await freePorts(1);
    const front = await start('direct SQL', 'bench/direct-sql/direct-sql-server.js', 'PORT', port!, databaseEnv(dataSet.combined));
    return {
      ...common,
      url: front.url,
      path: '/query',
      front,
      requestBody: (scenario, variables) => JSON.stringify({ scenario: scenario.name, variables }),
      answerOf: (_scenario, status, body) => (status === 200 ? (body as { data: unknown }).data : new Error(`HTTP ${status}: ${JSON.stringify(body).slice(0, 200)}`)),
      downstreamCallsSoFar: async () => 0,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}
