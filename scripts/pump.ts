// npm run pump -- <service> [--full]: one run of a service's pumps into the reporting
// store, from their checkpoints (or every row again with --full), in a process of its
// own. The reporting app must be running (REPORTING_URL, default http://localhost:4004).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { projectPath } from '@tributary/database';

const PUMPED = ['customers', 'orders', 'catalog'];
const [service, ...args] = process.argv.slice(2);
if (!service || !PUMPED.includes(service)) {
  console.error(`usage: npm run pump -- <${PUMPED.join('|')}> [--full]${service ? ` (no pump in ${JSON.stringify(service)})` : ''}`);
  process.exit(2);
}
const script = projectPath('dist', 'apps', service, 'src', 'pump.js');
if (!existsSync(script)) throw new Error(`${script} is missing: npm run build`);
const { status } = spawnSync(process.execPath, [script, ...args], { stdio: 'inherit' });
process.exit(status ?? 1);
