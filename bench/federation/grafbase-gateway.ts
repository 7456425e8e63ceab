import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSubgraphSchema, printSubgraphSchema } from '@apollo/subgraph';
import { projectPath } from '@tributary/database';
import type { ServiceName } from '../data-sets.js';
import { startExecutable, type RunningProcess } from '../processes.js';
import { typeDefs as catalogTypeDefs } from './catalog.subgraph.js';
import { typeDefs as customersTypeDefs } from './customers.subgraph.js';
import { typeDefs as ordersTypeDefs } from './orders.subgraph.js';

/** The CLI's npm package (an optional dependency, for x86_64 Linux only): one static binary, no install script. */
const PACKAGE = '@grafbase/cli-x86_64-unknown-linux-musl';
export const GRAFBASE_EXECUTABLE = projectPath('node_modules', PACKAGE, 'grafbase');

const TYPE_DEFS = { customers: customersTypeDefs, orders: ordersTypeDefs, catalog: catalogTypeDefs } satisfies Record<ServiceName, unknown>;

/**
 * What grafbase.toml sets beyond the subgraphs, recorded with the results. Every cache
 * of answers is off, so that each request reaches the subgraphs as it does through
 * Apollo's gateway: entity caching (off by default, stated here), automatic persisted
 * queries, and the merging of identical requests in flight
 * (`traffic_shaping.inflight_deduplication`, on by default). The operation cache, which
 * keeps the plan of a document already seen, stays on: Apollo's gateway keeps its
 * query plans too, and Tributary its parsed documents.
 */
export const GRAFBASE_SETTINGS = {
  'entity_caching.enabled': false,
  'apq.enabled': false,
  'traffic_shaping.inflight_deduplication': false,
  'operation_caching.enabled': true,
} as const;

function grafbaseToml(urls: Record<ServiceName, string>): string {
  const subgraphs = (Object.keys(TYPE_DEFS) as ServiceName[]).map((name) => `[subgraphs.${name}]\nurl = "${urls[name]}"\nschema_path = "${name}.graphql"\n`);
  return [
    ...subgraphs,
    `[entity_caching]\nenabled = ${GRAFBASE_SETTINGS['entity_caching.enabled']}\n`,
    `[apq]\nenabled = ${GRAFBASE_SETTINGS['apq.enabled']}\n`,
    `[traffic_shaping]\ninflight_deduplication = ${GRAFBASE_SETTINGS['traffic_shaping.inflight_deduplication']}\n`,
    `[operation_caching]\nenabled = ${GRAFBASE_SETTINGS['operation_caching.enabled']}\n`,
  ].join('\n');
}

/** Why the Grafbase binary cannot run here, or null if it can (its version answers). */
export function grafbaseUnavailable(): string | null {
  if (process.platform !== 'linux' || process.arch !== 'x64') return `${PACKAGE} is built for x86_64 Linux, this is ${process.platform} ${process.arch}`;
  if (!existsSync(GRAFBASE_EXECUTABLE)) return `${GRAFBASE_EXECUTABLE} is missing: run npm install`;
  try {
    execFileSync(GRAFBASE_EXECUTABLE, ['--version'], { stdio: 'pipe', timeout: 30_000 });
    return null;
  } catch (error) {
    return `${GRAFBASE_EXECUTABLE} --version failed: ${(error as Error).message.split('\n')[0]}`;
  }
}

/**
 * Grafbase's gateway over the running subgraphs at `urls`: `grafbase dev` composes their
 * schemas (each printed with printSubgraphSchema, as Apollo's composition sees it
 * through introspection) offline and serves the graph on `port`. Its folder (the
 * schemas, the configuration, the CLI's home) goes when it stops.
 */
export async function startGrafbase(urls: Record<ServiceName, string>, port: number): Promise<RunningProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'tributary-grafbase-'));
  try {
    for (const [name, typeDefs] of Object.entries(TYPE_DEFS)) writeFileSync(join(dir, `${name}.graphql`), printSubgraphSchema(buildSubgraphSchema([{ typeDefs }])));
    writeFileSync(join(dir, 'grafbase.toml'), grafbaseToml(urls));
    mkdirSync(join(dir, 'home'));
    const gateway = await startExecutable('gateway', GRAFBASE_EXECUTABLE, ['--home', join(dir, 'home'), 'dev', '--config', join(dir, 'grafbase.toml'), '--port', String(port)], {}, port);
    return {
      ...gateway,
      stop: async () => {
        await gateway.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
