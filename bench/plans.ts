import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { EMBEDDED_SESSION_SETTINGS, type DatabaseLocation } from '@tributary/database';
import type { BenchOptions } from './bench-options.js';
import { benchRequestHeaders, CONTENDER_LABELS, startContender, statementLogOf, type ContenderName } from './contenders.js';
import { SERVICES, type SeededDataSet } from './data-sets.js';
import { argumentSequence } from './measure.js';
import type { StatementPlan } from './report/bench-results.js';
import type { Scenario } from './scenarios.js';

/**
 * The contenders whose statements are planned: the naive gateway's are Tributary's, one
 * key at a time, and Grafbase's subgraphs run the Federation peer's Prisma statements.
 */
const PLANNED: ContenderName[] = ['tributary', 'directSql', 'federation', 'federationPg'];
/** Contenders whose processes are the Federation subgraphs, on the subgraphs' databases. */
const ON_SUBGRAPH_DATABASES: ContenderName[] = ['federation', 'federationPg', 'grafbase'];

interface Statement {
  sql: string;
  args: unknown[];
}

/** Where each process of a contender keeps its data. */
function databaseOf(contender: ContenderName, process: string, dataSet: SeededDataSet): DatabaseLocation | undefined {
  if (contender === 'directSql') return dataSet.combined;
  const service = SERVICES.find((s) => process === s || process === `${s} subgraph`);
  if (!service) return undefined;
  return ON_SUBGRAPH_DATABASES.includes(contender) ? dataSet.subgraphs[service] : dataSet.services[service];
}

/** The lines a process appended to its statement log since `offset`. */
function statementsSince(file: string, offset: number): Statement[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .slice(offset)
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Statement)
    // Reads only: a plan is made by running the statement again.
    .filter((s) => /^\s*(SELECT|WITH)\b/i.test(s.sql) && !/^\s*SELECT 1\s*$/i.test(s.sql));
}

/**
 * EXPLAIN (ANALYZE, BUFFERS) on one database: one connection, or one opening of its PGlite
 * folder, for every statement a contender ran on it. As in the service, and as on a
 * server, whose shared buffers outlive connections, a statement finds the pages the
 * earlier ones read.
 */
interface Explainer {
  explain(statement: Statement): Promise<string>;
  close(): Promise<void>;
}

async function explainerOf(location: DatabaseLocation): Promise<Explainer> {
  const planOf = (rows: Array<{ 'QUERY PLAN': string }>) => rows.map((r) => r['QUERY PLAN']).join('\n');
  const sql = (statement: Statement) => `EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`;
  if (location.url) {
    const client = new pg.Client({ connectionString: location.url });
    await client.connect();
    return { explain: async (statement) => planOf((await client.query<{ 'QUERY PLAN': string }>(sql(statement), statement.args)).rows), close: () => client.end() };
  }
  // Opening an embedded folder costs about a second: once per database, not once per statement.
  const pglite = new PGlite(location.dataDir!);
  await pglite.exec(EMBEDDED_SESSION_SETTINGS);
  return { explain: async (statement) => planOf((await pglite.query<{ 'QUERY PLAN': string }>(sql(statement), statement.args)).rows), close: () => pglite.close() };
}

/**
 * Sends one request of each scenario to each contender with its processes writing down
 * every statement they send, then runs each statement again under EXPLAIN (ANALYZE,
 * BUFFERS) on the database it ran on, once the contender is stopped (a PGlite folder
 * opens in one process at a time). The plans go to `dir/<contender>/`; the table
 * gives each statement's execution time, so that a reader compares the contenders'
 * SQL for the same question on the same indexes.
 */
export async function capturePlans(dataSet: SeededDataSet, scenarios: readonly Scenario[], options: BenchOptions, dir: string, say: (line: string) => void): Promise<StatementPlan[]> {
  const plans: StatementPlan[] = [];
  // A previous run's plans go: a statement no contender runs any more must not stay beside the results.
  rmSync(dir, { recursive: true, force: true });
  const logDir = mkdtempSync(join(tmpdir(), 'tributary-statements-'));
  try {
    for (const contenderName of PLANNED.filter((name) => options.contenders.includes(name))) {
      const contender = await startContender(contenderName, dataSet, { statementLogDir: logDir });
      const captured: Array<{ scenario: string; process: string; statement: Statement }> = [];
      try {
        for (const scenario of scenarios) {
          const files = contender.processes.map((p) => ({ process: p.name, file: statementLogOf(logDir, contenderName, p.name) }));
          const offsets = files.map(({ file }) => (existsSync(file) ? statSync(file).size : 0));
          const [variables] = argumentSequence(scenario, dataSet.size, options.until, 1, 4242);
          const response = await fetch(`${contender.url}${contender.path}`, { method: 'POST', headers: benchRequestHeaders(), body: contender.requestBody(scenario, variables!) });
          await response.text();
          await contender.settle();
          files.forEach(({ process, file }, index) => {
            const seen = new Set<string>();
            for (const statement of statementsSince(file, offsets[index]!)) {
              if (seen.has(statement.sql)) continue;
              seen.add(statement.sql);
              captured.push({ scenario: scenario.name, process, statement });
            }
          });
        }
      } finally {
        await contender.stop();
      }
      mkdirSync(join(dir, contenderName), { recursive: true });
      const explainers = new Map<string, Promise<Explainer>>();
      try {
        for (const [index, { scenario, process, statement }] of captured.entries()) {
          const location = databaseOf(contenderName, process, dataSet);
          if (!location) continue;
          const key = location.url ?? location.dataDir!;
          if (!explainers.has(key)) explainers.set(key, explainerOf(location));
          const plan = await (await explainers.get(key)!).explain(statement);
          const file = join(contenderName, `${scenario}-${String(index + 1).padStart(2, '0')}-${process.replaceAll(' ', '-')}.txt`);
          writeFileSync(join(dir, file), `-- ${CONTENDER_LABELS[contenderName]}, ${process}, ${scenario}\n-- arguments: ${JSON.stringify(statement.args).slice(0, 2000)}\n${statement.sql}\n\n${plan}\n`);
          const executionMs = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1];
          plans.push({ contender: contenderName, process, scenario, file: `plans/${file}`, executionMs: executionMs ? Number(executionMs) : null, statement: statement.sql });
        }
      } finally {
        for (const explainer of explainers.values()) await (await explainer).close();
      }
      say(`    ${CONTENDER_LABELS[contenderName]}: ${captured.length} statements planned`);
    }
  } finally {
    rmSync(logDir, { recursive: true, force: true });
  }
  return plans;
}
