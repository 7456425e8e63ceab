import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { projectPath } from '@tributary/database';
import { DEFAULT_DEMO_DATA } from '@tributary/demo-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogService } from '../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { startService, type ServiceUnderTest } from './support/service-under-test.js';
import { TestDatabases } from './support/test-databases.js';

const run = promisify(execFile);
const databases = new TestDatabases();
const services: Array<{ port: number; service: ServiceUnderTest }> = [];

/** The README's bash blocks that call the services: what a new user pastes first. */
const examples = [...readFileSync(projectPath('README.md'), 'utf8').matchAll(/```bash\n([\s\S]*?)```/g)]
  .map((match) => match[1]!)
  .filter((block) => block.includes('curl'));

beforeAll(async () => {
  // The demo data of `npm start`, so that the ids in the README exist.
  for (const [port, definition] of [[4001, customersService], [4002, ordersService], [4003, catalogService]] as const) {
    const service = await startService(definition, databases, { data: DEFAULT_DEMO_DATA });
    await service.app.listen(0, '127.0.0.1');
    services.push({ port, service });
  }
});

afterAll(async () => {
  for (const { service } of services) await service.close();
  await databases.dropAll();
});

describe('the README curl examples', () => {
  it('are there', () => {
    expect(examples.length).toBeGreaterThanOrEqual(7);
  });

  it.each(examples.map((block, index) => [index + 1, block] as const))('example block %i works as written against the demo data', async (_, block) => {
    let script = block;
    for (const { port, service } of services) {
      script = script.replaceAll(`localhost:${port}`, `127.0.0.1:${(service.http.address() as { port: number }).port}`);
    }
    const { stdout } = await run('bash', ['-euo', 'pipefail', '-c', script]);
    const expectedProblems = block.match(/# → 400/g)?.length ?? 0;
    expect(stdout.trim()).not.toBe('');
    expect(stdout.match(/"status":400/g)?.length ?? 0).toBe(expectedProblems);
    // Every id in the examples exists in the demo data, but for the ones named as missing.
    expect(stdout.match(/"code":"NOT_FOUND"/g)?.length ?? 0).toBe(block.match(/"no-such-/g)?.length ?? 0);
    expect(stdout).not.toMatch(/"status":5\d\d/);
    expect(stdout).not.toMatch(/"status":40[1-9]/);
  });
});
