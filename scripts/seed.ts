// npm run seed -- --customers N --products M --orders K --seed S
// Runs every app's own seed command at once, each on its own database, with progress bars.
import { fork } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { MultiBar, Presets } from 'cli-progress';
import { projectPath } from '@tributary/database';
import { DEMO_DATA_USAGE, demoDataSpecFromArgs } from '@tributary/demo-data';
import type { SeedMessage } from '@tributary/service-kit';

/** The apps that have a seed command: every app that owns data. */
const seeders = readdirSync(projectPath('dist', 'apps'))
  .map((app) => ({ app, script: projectPath('dist', 'apps', app, 'src', 'seed.js') }))
  .filter(({ script }) => existsSync(script));

function seedApp(script: string, args: string[], onMessage: (message: SeedMessage) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = fork(script, args, { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    child.on('message', (message) => onMessage(message as SeedMessage));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${script} failed (exit code ${code})`))));
  });
}

const args = process.argv.slice(2);
let spec;
try {
  spec = demoDataSpecFromArgs(args);
} catch (error) {
  console.error(`${(error as Error).message}\nusage: npm run seed -- ${DEMO_DATA_USAGE}`);
  process.exit(2);
}
console.log(`Seeding ${spec.customers.toLocaleString('en')} customers, ${spec.products.toLocaleString('en')} products and ${spec.orders.toLocaleString('en')} orders (seed ${spec.seed}) into ${seeders.map((s) => s.app).join(', ')}; existing rows are replaced.`);
const bars = new MultiBar({ format: '{what} |{bar}| {percentage}% {value}/{total} {eta_formatted} left', noTTYOutput: true, notTTYSchedule: 5000, hideCursor: true }, Presets.shades_classic);
const byWhat = new Map<string, ReturnType<MultiBar['create']>>();
const timings: string[] = [];
const started = performance.now();
try {
  await Promise.all(
    seeders.map(({ script }) =>
      seedApp(script, args, (message) => {
        if (message.type === 'done') {
          timings.push(`${message.service} ${message.seconds.toFixed(1)} s`);
          return;
        }
        let bar = byWhat.get(message.what);
        if (!bar) byWhat.set(message.what, (bar = bars.create(message.total, 0, { what: message.what.padEnd(9) })));
        bar.update(message.done);
      }),
    ),
  );
} catch (error) {
  bars.stop();
  console.error((error as Error).message);
  process.exit(1);
}
bars.stop();
console.log(`Seeded in ${((performance.now() - started) / 1000).toFixed(1)} s (${timings.join(', ')}).`);
