import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { ExportConfig } from '@tributary/exports';
import type { DemoDataSpec } from '@tributary/demo-data';
import type { GatewayConfig } from '../../apps/gateway/src/gateway.config.js';
import { catalogService } from '../../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../../apps/customers/src/customers-app.module.js';
import { ordersServiceWith } from '../../apps/orders/src/orders-app.module.js';
import { placementConfigFromEnv } from '../../apps/orders/src/placement/placement.config.js';
import { reportingServiceWith } from '../../apps/reporting/src/reporting-app.module.js';
import type { ReportingConfig } from '../../apps/reporting/src/reporting.config.js';
import { SqlReaderRoles, type CreatedSqlReader } from '../../apps/reporting/src/sql-interface/sql-reader-roles.js';
import { REPORTING_TABLES, type EventSource } from '@tributary/contracts';
import {
  NatsEventPublisher,
  OutboxRelay,
  PUMP_SOURCES,
  PumpScheduler,
  ReportingStoreClient,
  StoreEventPublisher,
  type EventBusSettings,
  type OutboxDatabase,
  type PumpRunResult,
  type PumpSource,
} from '@tributary/pump-kit';
import { startService, TestDatabases, type ConfigOverrides, type ServiceUnderTest } from '@tributary/testing';
import { graphql, startGateway, type GatewayUnderTest } from './gateway-under-test.js';

export { graphql, type GatewayUnderTest };

/** A service listening on a real port, with the number of HTTP requests it received. */
export interface RunningService extends ServiceUnderTest {
  port: number;
  requests: { count: number; paths: string[] };
  /** Stops answering (the port closes, the database stays), as a crashed instance would. */
  stop(): Promise<void>;
  /** Listens again on the same port. */
  resume(): Promise<void>;
}


export interface SystemUnderTest {
  customers: RunningService;
  orders: RunningService;
  catalog: RunningService;
  gateway: GatewayUnderTest;
  /** The reporting app, when asked for: its store is filled by `pumpAll`, not on a schedule. */
  reporting?: ReportingUnderTest;
  /** Another gateway over the same services, e.g. with batching off. */
  startGateway(overrides?: Partial<GatewayConfig>): Promise<GatewayUnderTest>;
  close(): Promise<void>;
}

/** The reporting app and the pumps of the three services, delivering to it. */
export interface ReportingUnderTest {
  service: RunningService;
  /** The role that holds the readers' grants. */
  reader: { role: string };
  /** A reader of the published views with its password, as `npm run sql-reader -- create` makes one: on PostgreSQL a login role of the server. */
  createReader(): Promise<CreatedSqlReader>;
  /** Every role the store made on the server (the reader role, the readers, the pumps'): dropped with the databases. */
  roles: string[];
  /** Each service's pumps, pointed at this reporting app. */
  pumps: { customers: PumpScheduler; orders: PumpScheduler; catalog: PumpScheduler };
  /** One run of every pump, as the schedule would make. */
  pumpAll(options?: { full?: boolean }): Promise<PumpRunResult[]>;
  /** Each service's outbox relay, delivering straight into this store (the embedded default). */
  relays: { customers: OutboxRelay; orders: OutboxRelay; catalog: OutboxRelay };
  /** Every relay until its outbox is published; returns how many events. */
  relayAll(): Promise<number>;
}

async function listen(definition: Parameters<typeof startService>[0], databases: TestDatabases, data?: DemoDataSpec, config?: ConfigOverrides): Promise<RunningService> {
  const requests = { count: 0, paths: [] as string[] };
  const service = await startService(definition, databases, {
    data,
    ...(config ? { config } : {}),
    // Counts what the service itself received, to compare with what the gateway reports.
    beforeInit: (app) =>
      app.use((req: { method: string; originalUrl: string }, _res: unknown, next: () => void) => {
        requests.count++;
        requests.paths.push(`${req.method} ${req.originalUrl}`);
        next();
      }),
  });
  await service.app.listen(0, '127.0.0.1');
  const server = service.http as import('node:http').Server;
  const port = (server.address() as AddressInfo).port;
  return {
    ...service,
    port,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
    resume: () => new Promise<void>((resolve) => server.listen(port, '127.0.0.1', () => resolve())),
  };
}

/**
 * The three services on their own databases, seeded with `data`, listening on free
 * ports, and a gateway over them: the whole system as `npm start` runs it.
 */
export async function startSystem(
  data: DemoDataSpec,
  gatewayOverrides: Partial<GatewayConfig> = {},
  options: { reporting?: boolean; eventBus?: EventBusSettings; exports?: Partial<ExportConfig> } = {},
): Promise<SystemUnderTest> {
  const databases = new TestDatabases();
  const customers = await listen(customersService, databases, data);
  const catalog = await listen(catalogService, databases, data);
  // Its order placements call these two services: at their ports, not at the default ones.
  const placement = placementConfigFromEnv({ CUSTOMERS_URL: url(customers), CATALOG_URL: url(catalog) });
  const orders = await listen(ordersServiceWith(() => placement), databases, data);
  const reporting = options.reporting ? await startReporting(databases, { customers, orders, catalog }, options.eventBus, options.exports) : undefined;
  const gateways: GatewayUnderTest[] = [];
  const services = { customers: `http://127.0.0.1:${customers.port}`, orders: `http://127.0.0.1:${orders.port}`, catalog: `http://127.0.0.1:${catalog.port}` };
  const startAnotherGateway = async (overrides: Partial<GatewayConfig> = {}) => {
    const gateway = await startGateway(services, { ...gatewayOverrides, ...overrides });
    gateways.push(gateway);
    return gateway;
  };
  if (reporting) gatewayOverrides = { reportingUrl: url(reporting.service), ...gatewayOverrides };
  const gateway = await startAnotherGateway();
  return {
    customers,
    orders,
    catalog,
    gateway,
    reporting,
    startGateway: startAnotherGateway,
    close: async () => {
      for (const g of gateways) await g.close();
      for (const relay of Object.values(reporting?.relays ?? {})) await relay.close();
      // Orders first: its placements call the other two.
      for (const service of [orders, customers, catalog, ...(reporting ? [reporting.service] : [])]) await service.close();
      await databases.dropAll();
      for (const role of reporting?.roles ?? []) await databases.dropRole(role);
    },
  };
}

const url = (service: RunningService) => `http://127.0.0.1:${service.port}`;

async function startReporting(
  databases: TestDatabases,
  services: { customers: RunningService; orders: RunningService; catalog: RunningService },
  bus: EventBusSettings = { natsUrl: null, streamPrefix: 'UNUSED', subjectPrefix: 'unused' },
  exports: Partial<ExportConfig> = {},
): Promise<ReportingUnderTest> {
  const suffix = randomBytes(4).toString('hex');
  const config: ReportingConfig = {
    sources: { customers: url(services.customers), orders: url(services.orders), products: url(services.catalog), rates: url(services.orders) },
    sql: { port: 0, host: '127.0.0.1' },
    // Roles belong to the whole PostgreSQL server: one per test file, dropped with its databases.
    reader: { role: `reporting_reader_${suffix}` },
    // As npm start: the README's psql example logs in as it.
    developmentReader: true,
    pumpRolePrefix: `tributary_pump_${suffix}_`,
    events: { bus, consumerName: 'reporting' },
  };
  const service = await listen(reportingServiceWith(() => config), databases, undefined, { exports });
  const roles = [config.reader.role, ...REPORTING_TABLES.map((table) => `${config.pumpRolePrefix}${table}`)];
  const pumpOf = (owner: RunningService) =>
    new PumpScheduler(owner.app.get<PumpSource[]>(PUMP_SOURCES), { ...owner.config.pump, reportingUrl: url(service) });
  const pumps = { customers: pumpOf(services.customers), orders: pumpOf(services.orders), catalog: pumpOf(services.catalog) };
  // Each service's outbox relay: through the broker when the test gives one, else straight into this store (the embedded default).
  const relayOf = (owner: RunningService, source: EventSource) =>
    new OutboxRelay(
      owner.db as unknown as OutboxDatabase,
      bus.natsUrl ? new NatsEventPublisher({ ...bus, natsUrl: bus.natsUrl }, source) : new StoreEventPublisher(new ReportingStoreClient(url(service))),
      owner.config.pump.events,
    );
  const relays = { customers: relayOf(services.customers, 'customers'), orders: relayOf(services.orders, 'orders'), catalog: relayOf(services.catalog, 'catalog') };
  return {
    service,
    relays,
    relayAll: async () => {
      let published = 0;
      for (const relay of Object.values(relays)) for (let batch = await relay.relayOnce(); batch > 0; batch = await relay.relayOnce()) published += batch;
      return published;
    },
    reader: config.reader,
    createReader: async () => {
      const name = `reader_${suffix}_${roles.length}`;
      roles.push(name);
      return new SqlReaderRoles({ query: (sql, params = []) => service.db.$queryRawUnsafe(sql, ...params) }, config.reader.role, { endSessions: true }).create(name);
    },
    roles,
    pumps,
    pumpAll: async (options) => [...(await pumps.customers.runAll(options)), ...(await pumps.catalog.runAll(options)), ...(await pumps.orders.runAll(options))],
  };
}
