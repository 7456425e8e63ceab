import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { projectPath } from '@tributary/database';
import { DEFAULT_DEMO_DATA } from '@tributary/demo-data';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type SystemUnderTest } from './support/system-under-test.js';

const run = promisify(execFile);
let system: SystemUnderTest;
/** README port → the port this test's instance listens on. */
const ports = new Map<number, number>();

/** The README's bash blocks that call the system: what a new user pastes first. */
const examples = [...readFileSync(projectPath('README.md'), 'utf8').matchAll(/```bash\n([\s\S]*?)```/g)]
  .map((match) => match[1]!)
  .filter((block) => block.includes('curl'));

/** Runs a README block as a user would, against this test's ports. */
async function runExample(block: string): Promise<string> {
  let script = block;
  for (const [readmePort, port] of ports) script = script.replaceAll(`localhost:${readmePort}`, `127.0.0.1:${port}`);
  return (await run('bash', ['-euo', 'pipefail', '-c', script])).stdout;
}

beforeAll(async () => {
  // The demo data of `npm start`, so that the ids in the README exist.
  system = await startSystem(DEFAULT_DEMO_DATA);
  await system.gateway.app.listen(0, '127.0.0.1');
  ports.set(4000, (system.gateway.http.address() as AddressInfo).port);
  ports.set(4001, system.customers.port);
  ports.set(4002, system.orders.port);
  ports.set(4003, system.catalog.port);
});

afterAll(async () => {
  await system?.close();
});

describe('the README curl examples', () => {
  it('are there', () => {
    expect(examples.length).toBeGreaterThanOrEqual(9);
  });

  it.each(examples.map((block, index) => [index + 1, block] as const))('example block %i works as written against the demo data', async (_, block) => {
    const stdout = await runExample(block);
    const expectedProblems = block.match(/# → 400/g)?.length ?? 0;
    expect(stdout.trim()).not.toBe('');
    expect(stdout.match(/"status":400/g)?.length ?? 0).toBe(expectedProblems);
    // Every id in the examples exists in the demo data, but for the ones named as missing.
    expect(stdout.match(/"code":"NOT_FOUND"/g)?.length ?? 0).toBe(block.match(/"no-such-/g)?.length ?? 0);
    expect(stdout).not.toMatch(/"status":5\d\d/);
    expect(stdout).not.toMatch(/"status":40[1-9]/);
  });

  it.each(examples.filter((block) => block.includes('localhost:4000')).map((block, index) => [index + 1, block] as const))(
    'GraphQL example %i answers without errors (they come with status 200)',
    async (_, block) => {
      const body = JSON.parse(await runExample(block));
      expect(body.errors).toBeUndefined();
      expect(Object.keys(body.data).length).toBeGreaterThan(0);
    },
  );

  it('the first report query shows one call to orders and one to customers', async () => {
    const body = JSON.parse(await runExample(examples.find((b) => b.includes('topCustomers'))!));
    expect(body.data.reports.topCustomers).toHaveLength(3);
    expect(body.extensions.downstream).toEqual({ customers: { calls: 1, keys: 3 }, orders: { calls: 1, keys: 0 }, catalog: { calls: 0, keys: 0 } });
  });
});
