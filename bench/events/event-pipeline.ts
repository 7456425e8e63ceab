import { spawn, type ChildProcess } from 'node:child_process';
import { connect as connectTcp } from 'node:net';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { EVENT_SOURCES, REPORTING_TABLES, type StoreFreshness, type TableReconciliation } from '@tributary/contracts';
import type { DatabaseLocation } from '@tributary/database';
import { connectEventBus, streamOf, type EventBusSettings } from '@tributary/pump-kit';
import { freePorts } from '../processes.js';

/**
 * The whole event pipeline as separate processes, for what only processes can show: the
 * three services (each with its outbox relay), the reporting app (the consumer), and a
 * NATS server of its own, each of which can be killed with SIGKILL and started again,
 * under a steady load of writes. `npm run bench:events` measures its lag; the fault
 * test (test/event-pipeline-faults.e2e.ts) breaks it.
 */
export const SERVICES = ['customers', 'orders', 'catalog'] as const;
export type PipelineService = (typeof SERVICES)[number];
type App = PipelineService | 'reporting';

export interface PipelineOptions {
  /** Where the compiled apps are: `dist` for the bench, a test's own build folder. */
  build: string;
  databases: Record<App, DatabaseLocation>;
  /**
   * With NATS: the server binary and a folder for its store; `from: 'later'` starts it
   * but sends events through it only after `useBroker(true)`. Without, each relay
   * delivers straight into the store.
   */
  nats?: { binary: string; storeDir: string; from?: 'start' | 'later' };
  /** Per run: NATS stream and subject names, and the store's roles on a PostgreSQL server. */
  runId: string;
  data: { customers: number; products: number; orders: number };
  /** Called with the store's database migrated and no process running on it: to add what a test watches with. */
  prepareStore?: () => Promise<void>;
  log?: (line: string) => void;
}

/** One app's process: the same command and settings every time it is started again. */
class AppProcess {
  private child?: ChildProcess;
  private output = '';

  constructor(
    readonly name: string,
    private readonly script: string,
    readonly port: number,
    private readonly env: () => Record<string, string>,
  ) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [this.script], { env: { ...process.env, ...this.env() }, stdio: ['ignore', 'pipe', 'pipe'] });
    const keep = (chunk: Buffer) => (this.output = (this.output + chunk.toString()).slice(-4000));
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.child = child;
    const deadline = Date.now() + 120_000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with code ${child.exitCode}:\n${this.output}`);
      if (await fetch(`${this.url}/health`).then((r) => r.ok, () => false)) return;
      if (Date.now() > deadline) throw new Error(`${this.name} did not answer /health within 120 s:\n${this.output}`);
      await sleep(50);
    }
  }

  /** SIGKILL: no shutdown hook runs, nothing is flushed. */
  kill(): Promise<void> {
    return this.end('SIGKILL');
  }

  stop(): Promise<void> {
    return this.end('SIGTERM');
  }

  private end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill(signal);
    });
  }
}

/** A nats-server with JetStream on its own port and store folder; never the machine's own. */
class NatsProcess {
  private child?: ChildProcess;

  constructor(
    private readonly binary: string,
    readonly port: number,
    private readonly storeDir: string,
  ) {}

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.child = spawn(this.binary, ['-js', '-a', '127.0.0.1', '-p', String(this.port), '-sd', this.storeDir], { stdio: 'ignore' });
    const deadline = Date.now() + 30_000;
    while (!(await this.accepts())) {
      if (this.child.exitCode !== null) throw new Error(`nats-server exited with code ${this.child.exitCode}`);
      if (Date.now() > deadline) throw new Error('nats-server did not listen within 30 s');
      await sleep(50);
    }
  }

  kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }

  private accepts(): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = connectTcp(this.port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
  }
}

function locationEnv(app: App, location: DatabaseLocation): Record<string, string> {
  const prefix = app.toUpperCase();
  return location.url ? { [`${prefix}_DATABASE_URL`]: location.url } : { [`${prefix}_DATA_DIR`]: location.dataDir! };
}

function run(script: string, args: string[], env: Record<string, string>): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => (code === 0 ? resolve(output) : reject(new Error(`${script} ${args.join(' ')} failed (${code}):\n${output}`))));
  });
}

export interface LoadResult {
  writes: number;
  failed: number;
}

export class EventPipeline {
  private natsConnection?: NatsConnection;

  private constructor(
    private readonly options: PipelineOptions,
    /** Whether the services run their batch pumps, and whether events go through NATS (read each time an app starts). */
    private readonly mode: { batchPumps: boolean; broker: boolean },
    readonly services: Record<PipelineService, AppProcess>,
    readonly reporting: AppProcess,
    readonly nats: NatsProcess | undefined,
    readonly bus: EventBusSettings,
  ) {}

  /** Roles the store creates on a PostgreSQL server for this run: to drop afterwards. */
  get roles(): string[] {
    return [`reader_${this.options.runId}`, ...REPORTING_TABLES.map((table) => `pump_${this.options.runId}_${table}`)];
  }

  static async start(options: PipelineOptions): Promise<EventPipeline> {
    const log = options.log ?? (() => undefined);
    const [natsPort, reportingPort, ...servicePorts] = await freePorts(5);
    const nats = options.nats ? new NatsProcess(options.nats.binary, natsPort!, options.nats.storeDir) : undefined;
    const bus: EventBusSettings = { natsUrl: nats?.url ?? null, streamPrefix: `EVT_${options.runId}`, subjectPrefix: `evt_${options.runId}` };
    const mode = { batchPumps: true, broker: nats !== undefined && options.nats?.from !== 'later' };
    const common = () => ({
      LOG_LEVEL: 'warn',
      SEED_ON_START: 'off',
      PAGE_TOKEN_SECRET: 'event-pipeline-page-token-secret',
      ...(mode.broker && bus.natsUrl ? { NATS_URL: bus.natsUrl } : {}),
      NATS_STREAM_PREFIX: bus.streamPrefix,
      NATS_SUBJECT_PREFIX: bus.subjectPrefix,
    });
    const ports = Object.fromEntries(SERVICES.map((service, index) => [service, servicePorts[index]!])) as Record<PipelineService, number>;
    const serviceUrls = { CUSTOMERS_URL: `http://127.0.0.1:${ports.customers}`, ORDERS_URL: `http://127.0.0.1:${ports.orders}`, CATALOG_URL: `http://127.0.0.1:${ports.catalog}` };
    const reporting = new AppProcess('reporting', join(options.build, 'apps/reporting/src/main.js'), reportingPort!, () => ({
      ...common(),
      ...serviceUrls,
      ...locationEnv('reporting', options.databases.reporting),
      REPORTING_PORT: String(reportingPort),
      REPORTING_SQL_PORT: 'off',
      REPORTING_READER_ROLE: `reader_${options.runId}`,
      REPORTING_READER_PASSWORD: 'event-pipeline',
      REPORTING_PUMP_ROLE_PREFIX: `pump_${options.runId}_`,
    }));
    const services = Object.fromEntries(
      SERVICES.map((service) => [
        service,
        new AppProcess(service, join(options.build, `apps/${service}/src/main.js`), ports[service], () => ({
          ...common(),
          ...locationEnv(service, options.databases[service]),
          [`${service.toUpperCase()}_PORT`]: String(ports[service]),
          REPORTING_URL: reporting.url,
          PUMP_BATCH: mode.batchPumps ? 'on' : 'off',
          EVENT_RELAY_INTERVAL_MS: '50',
          // A relay started again after a SIGKILL waits out the lease of the one it replaces.
          OUTBOX_LEASE_MS: '1000',
        })),
      ]),
    ) as Record<PipelineService, AppProcess>;
    const pipeline = new EventPipeline(options, mode, services, reporting, nats, bus);

    log(`seeding ${options.data.customers} customers, ${options.data.products} products, ${options.data.orders} orders`);
    const seedArgs = ['--customers', String(options.data.customers), '--products', String(options.data.products), '--orders', String(options.data.orders), '--seed', '11'];
    await Promise.all(SERVICES.map((service) => run(join(options.build, `apps/${service}/src/seed.js`), seedArgs, { ...common(), ...locationEnv(service, options.databases[service]), [`${service.toUpperCase()}_PORT`]: String(ports[service]) })));
    await nats?.start();
    if (options.prepareStore) {
      await reporting.start();
      await reporting.stop();
      await options.prepareStore();
    }
    await reporting.start();
    // The initial load is the batch pumps' (on start); then the services run with the event pump alone.
    log('initial load by the batch pumps');
    await Promise.all(SERVICES.map((service) => services[service].start()));
    await pipeline.waitForRowsPumped(options.data);
    await pipeline.restartServicesWithBatchPumps(false);
    return pipeline;
  }

  /** Every app started again with events through NATS (the server started with the pipeline), or straight into the store. */
  async useBroker(on: boolean): Promise<void> {
    if (on && !this.nats) throw new Error('this pipeline has no NATS server');
    this.mode.broker = on;
    await Promise.all([...SERVICES.map((service) => this.services[service].stop()), this.reporting.stop()]);
    await this.reporting.start();
    await Promise.all(SERVICES.map((service) => this.services[service].start()));
  }

  async restartServicesWithBatchPumps(on: boolean): Promise<void> {
    this.mode.batchPumps = on;
    await Promise.all(SERVICES.map((service) => this.services[service].stop()));
    await Promise.all(SERVICES.map((service) => this.services[service].start()));
  }

  async freshness(): Promise<StoreFreshness> {
    return (await fetch(`${this.reporting.url}/v1/freshness`)).json() as Promise<StoreFreshness>;
  }

  async reconciliation(): Promise<TableReconciliation[]> {
    return ((await (await fetch(`${this.reporting.url}/v1/reconciliation`)).json()) as { tables: TableReconciliation[] }).tables;
  }

  private async waitForRowsPumped(data: PipelineOptions['data']): Promise<void> {
    const expected: Record<string, number> = { customers: data.customers, products: data.products, orders: data.orders };
    const deadline = Date.now() + 120_000;
    for (;;) {
      const { tables } = await this.freshness();
      // A watermark: the table's first run has finished (rates, which no count here says, included).
      if (tables.every((t) => t.watermark !== null && t.rowsPumped >= (expected[t.table] ?? 0))) return;
      if (Date.now() > deadline) throw new Error(`the initial load did not finish: ${JSON.stringify(tables.map((t) => [t.table, t.rowsPumped]))}`);
      await sleep(100);
    }
  }

  /**
   * `writesPerSecond` writes spread over the services for `seconds`, as a client would
   * send them: renames, price changes, status changes and new orders. A write to a
   * service that is down fails and is counted; nothing waits for it.
   */
  async load(seconds: number, writesPerSecond: number, random: () => number): Promise<LoadResult> {
    return (await this.loadWriter(random))(seconds, writesPerSecond);
  }

  /**
   * Reads the ids the writes pick from, then gives the function that sends them: a fault
   * test reads them before its first fault, so that no kill can land in the set-up.
   */
  async loadWriter(random: () => number): Promise<(seconds: number, writesPerSecond: number) => Promise<LoadResult>> {
    const ids = async (path: string, field: string) => ((await readJsonRetrying(`${path}?pageSize=1000`)) as Record<string, Array<{ id: string }>>)[field]!.map((row) => row.id);
    const customers = await ids(`${this.services.customers.url}/v1/customers`, 'customers');
    const products = await ids(`${this.services.catalog.url}/v1/products`, 'products');
    const orders = await ids(`${this.services.orders.url}/v1/orders`, 'orders');
    return (seconds, writesPerSecond) => this.writeFor(seconds, writesPerSecond, random, { customers, products, orders });
  }

  private async writeFor(seconds: number, writesPerSecond: number, random: () => number, { customers, products, orders }: Record<'customers' | 'products' | 'orders', string[]>): Promise<LoadResult> {
    const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)]!;
    const result: LoadResult = { writes: 0, failed: 0 };
    const send = async (url: string, method: string, body: unknown) => {
      try {
        const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(3000) });
        if (response.ok) result.writes++;
        else result.failed++;
      } catch {
        result.failed++;
      }
    };
    const inFlight = new Set<Promise<void>>();
    const started = performance.now();
    for (let n = 0; performance.now() - started < seconds * 1000; n++) {
      const dueAt = started + (n * 1000) / writesPerSecond;
      const wait = dueAt - performance.now();
      if (wait > 0) await sleep(wait);
      const kind = random();
      const write =
        kind < 0.35
          ? send(`${this.services.customers.url}/v1/customers/${pick(customers)}`, 'PATCH', { name: `Customer renamed ${n}` })
          : kind < 0.55
            ? send(`${this.services.catalog.url}/v1/products/${pick(products)}`, 'PATCH', { priceCents: 100 + Math.floor(random() * 10_000) })
            : kind < 0.8
              ? send(`${this.services.orders.url}/v1/orders/${pick(orders)}`, 'PATCH', { status: pick(['PAID', 'SHIPPED', 'CANCELLED']) })
              : send(`${this.services.orders.url}/v1/orders`, 'POST', { customerId: pick(customers), currency: 'EUR', lines: [{ productId: pick(products), quantity: 1 + Math.floor(random() * 5), unitPriceCents: 999 }] });
      const tracked = write.finally(() => inFlight.delete(tracked));
      inFlight.add(tracked);
    }
    await Promise.all(inFlight);
    return result;
  }

  /** Until every outbox is published and (with NATS) the store's consumers have nothing pending. */
  async waitUntilCaughtUp(timeoutMs = 120_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const outboxes = await Promise.all(SERVICES.map((service) => fetch(`${this.services[service].url}/v1/outbox`).then((r) => r.json() as Promise<{ unpublished: number }>, () => ({ unpublished: -1 }))));
      const pending = await this.consumerPending();
      if (outboxes.every((o) => o.unpublished === 0) && pending === 0) return;
      if (Date.now() > deadline) throw new Error(`not caught up after ${timeoutMs / 1000} s: outboxes ${JSON.stringify(outboxes)}, consumer pending ${pending}`);
      await sleep(100);
    }
  }

  private async consumerPending(): Promise<number> {
    if (!this.bus.natsUrl || !this.mode.broker) return 0;
    try {
      this.natsConnection ??= await connectEventBus(this.bus.natsUrl, 'event pipeline watcher');
      const jsm: JetStreamManager = await jetstreamManager(this.natsConnection);
      let pending = 0;
      for (const source of EVENT_SOURCES) {
        const info = await jsm.consumers.info(streamOf(this.bus, source), 'reporting');
        pending += info.num_pending + info.num_ack_pending;
      }
      return pending;
    } catch {
      return -1;
    }
  }

  /**
   * One batch-pump run per service, each service stopped (`npm run pump` opens an
   * embedded database itself): how many rows each table's run found newer than the
   * store. After an event pump that lost nothing, none.
   */
  async batchPumpOnce(): Promise<Array<{ table: string; applied: number; read: number }>> {
    await Promise.all(SERVICES.map((service) => this.services[service].stop()));
    const outputs = await Promise.all(
      SERVICES.map((service) =>
        run(join(this.options.build, `apps/${service}/src/pump.js`), [], {
          LOG_LEVEL: 'warn',
          REPORTING_URL: this.reporting.url,
          [`${service.toUpperCase()}_PORT`]: String(this.services[service].port),
          ...locationEnv(service, this.options.databases[service]),
        }),
      ),
    );
    const results = [...outputs.join('').matchAll(/: (\w+): (\d+) of (\d+) rows applied/g)].map(([, table, applied, read]) => ({ table: table!, applied: Number(applied), read: Number(read) }));
    await Promise.all(SERVICES.map((service) => this.services[service].start()));
    return results;
  }

  async stop(): Promise<void> {
    await this.natsConnection?.close().catch(() => undefined);
    await Promise.all([...SERVICES.map((service) => this.services[service].stop()), this.reporting.stop()]);
    await this.nats?.kill();
  }
}

/**
 * A read of the harness's own set-up, tried up to three times: once in CI the first read
 * after the services restarted under NATS lost its connection mid-answer ("other side
 * closed"), which failed the fault test before any fault was injected.
 */
async function readJsonRetrying(url: string, attempts = 3): Promise<unknown> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await (await fetch(url, { signal: AbortSignal.timeout(10_000) })).json();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250 * attempt));
    }
  }
}
