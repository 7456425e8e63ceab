// npm run seed -- --customers N --products M --orders K --seed S
// Replaces the demo data of every service, each in its own database, with progress bars.
import { fork } from 'node:child_process';
import { connect } from 'node:net';
import { parseArgs } from 'node:util';
import { MultiBar, Presets } from 'cli-progress';
import { projectPath } from '@tributary/database';
import { DEFAULT_DEMO_DATA, type DemoDataSpec } from '@tributary/demo-data';
import { serviceConfigFromEnv, type SeedMessage, type ServiceName } from '@tributary/service-kit';

const LIMITS = { customers: [1, 10_000_000], products: [1, 1_000_000], orders: [0, 50_000_000], seed: [0, 2 ** 31 - 1] } as const;

function specFromArgs(): DemoDataSpec {
  const { values } = parseArgs({
    options: { customers: { type: 'string' }, products: { type: 'string' }, orders: { type: 'string' }, seed: { type: 'string' }, until: { type: 'string' } },
  });
  const count = (name: keyof typeof LIMITS): number => {
    const raw = values[name];
    if (raw === undefined) return DEFAULT_DEMO_DATA[name];
    const value = Number(raw);
    const [min, max] = LIMITS[name];
    if (!Number.isInteger(value) || value < min || value > max) {
      throw new Error(`--${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
    }
    return value;
  };
  const until = values.until === undefined ? DEFAULT_DEMO_DATA.until : new Date(values.until);
  if (Number.isNaN(until.getTime())) throw new Error(`--until must be an ISO-8601 date, got ${JSON.stringify(values.until)}`);
  return { customers: count('customers'), products: count('products'), orders: count('orders'), seed: count('seed'), until };
}

/** Seeds one service in a child process of its own app, reporting progress over IPC. */
function seedService(service: ServiceName, spec: DemoDataSpec, onMessage: (message: SeedMessage) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(projectPath('dist', 'apps', service, 'src', 'seed.js'), [JSON.stringify(spec)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message) => onMessage(message as SeedMessage));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seeding ${service} failed (exit code ${code})`))));
  });
}

/** True when something answers on the port: the service is running. */
function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

const SERVICES = ['customers', 'catalog', 'orders'] as const;
// An embedded database is open in one process at a time: a second writer would corrupt it.
for (const service of SERVICES) {
  const config = serviceConfigFromEnv(service);
  if (!config.database.url && (await isListening(config.port))) {
    console.error(`The ${service} service is running on port ${config.port} with its embedded database open: stop npm start, then seed.`);
    process.exit(1);
  }
}

const spec = specFromArgs();
console.log(`Seeding ${spec.customers.toLocaleString('en')} customers, ${spec.products.toLocaleString('en')} products and ${spec.orders.toLocaleString('en')} orders (seed ${spec.seed}); existing rows are replaced.`);
const bars = new MultiBar({ format: '{what} |{bar}| {percentage}% {value}/{total} {eta_formatted} left', noTTYOutput: true, notTTYSchedule: 5000, hideCursor: true }, Presets.shades_classic);
const byWhat = new Map<string, ReturnType<MultiBar['create']>>();
const timings: string[] = [];
const started = performance.now();
await Promise.all(
  SERVICES.map((service) =>
    seedService(service, spec, (message) => {
      if (message.type === 'done') {
        timings.push(`${service} ${message.seconds.toFixed(1)} s`);
        return;
      }
      let bar = byWhat.get(message.what);
      if (!bar) byWhat.set(message.what, (bar = bars.create(message.total, 0, { what: message.what.padEnd(9) })));
      bar.update(message.done);
    }),
  ),
).finally(() => bars.stop());
console.log(`Seeded in ${((performance.now() - started) / 1000).toFixed(1)} s (${timings.join(', ')}).`);
