import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { projectPath } from '@tributary/database';

/** The services whose apps have pump and backup commands. */
export const PUMPED = ['customers', 'orders', 'catalog'];

/**
 * `npm run <command> -- <service> …`: runs the service's own command script
 * (dist/apps/<service>/src/<script>.js) with the rest of the arguments, in a process of
 * its own, and exits with its status.
 */
export function runServiceCommand(script: string, usage: string, argv: string[], prefix: string[] = []): never {
  const [service, ...args] = argv;
  if (!service || !PUMPED.includes(service)) {
    console.error(`usage: ${usage.replace('<service>', `<${PUMPED.join('|')}>`)}${service ? ` (${JSON.stringify(service)} has none)` : ''}`);
    process.exit(2);
  }
  const path = projectPath('dist', 'apps', service, 'src', `${script}.js`);
  if (!existsSync(path)) throw new Error(`${path} is missing: npm run build`);
  const { status } = spawnSync(process.execPath, [path, ...prefix, ...args], { stdio: 'inherit' });
  process.exit(status ?? 1);
}
