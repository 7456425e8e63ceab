import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { request } from 'undici';
import { benchRequestHeaders, type Contender } from './contenders.js';
import type { DataSize } from './data-sets.js';
import { cpuTicks } from './processes.js';
import { seededRandom, type Scenario, type Variables } from './scenarios.js';

/** A phase lasts until either bound is reached, whichever comes first. */
export interface Bound {
  seconds: number;
  requests: number;
}

/** How long and how hard each figure is measured. */
export interface MeasureSettings {
  /** Discarded before every latency and load phase, the same for every contender. */
  warmup: Bound;
  /** Sequential requests per cell and repetition. */
  latency: Bound;
  /** Concurrent load per throughput scenario: null for none. */
  throughput: { connections: number; seconds: number } | null;
  /** The dashboard mix: null for none. */
  dashboard: { connections: number; seconds: number } | null;
  /** Each repetition restarts every contender, in an order rotated by one. */
  repetitions: number;
  /** The share of requests under load whose answers are checked against direct SQL's. */
  checkedShare: number;
}

/** The arguments of a scenario's requests: the same sequence for every contender. */
export function argumentSequence(scenario: Scenario, size: DataSize, until: Date, count: number, salt = 0): Variables[] {
  let seed = salt * 7919 + size.orders;
  for (const char of scenario.name) seed = (Math.imul(seed, 31) + char.charCodeAt(0)) | 0;
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => scenario.variables(random, size, until));
}

/** A scenario's argument sets with direct SQL's normal answers: what every answer is checked against. */
export interface CheckedArguments {
  variables: Variables[];
  expected: unknown[];
}

async function ask(contender: Contender, scenario: Scenario, variables: Variables): Promise<{ ms: number; answer: unknown }> {
  const started = performance.now();
  const response = await request(`${contender.url}${contender.path}`, {
    method: 'POST',
    headers: benchRequestHeaders(),
    body: contender.requestBody(scenario, variables),
  });
  const text = await response.body.text();
  const ms = performance.now() - started;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = { unparsable: text.slice(0, 200) };
  }
  return { ms, answer: contender.answerOf(scenario, response.statusCode, body) };
}

/** CPU time of each of the contender's processes from now on, per request, in ms (from /proc). */
function cpuProbe(contender: Contender): (requests: number) => Record<string, number> {
  const before = new Map(contender.processes.map((p) => [p.name, cpuTicks(p.pid) ?? 0]));
  return (requests) =>
    Object.fromEntries(
      contender.processes.map((p) => {
        // Linux counts 100 ticks per CPU-second.
        const ms = (((cpuTicks(p.pid) ?? 0) - before.get(p.name)!) * 10) / Math.max(1, requests);
        return [p.name, Math.round(ms * 10) / 10];
      }),
    );
}

/** Sends sequential requests until the bound, with arguments from `next`; returns what came back. */
async function sequential(contender: Contender, scenario: Scenario, bound: Bound, next: (index: number) => Variables | undefined) {
  const results: Array<{ index: number; ms: number; answer: unknown }> = [];
  const started = performance.now();
  for (let index = 0; index < bound.requests && performance.now() - started < bound.seconds * 1000; index++) {
    const variables = next(index);
    if (!variables) break;
    results.push({ index, ...(await ask(contender, scenario, variables)) });
  }
  return results;
}

export interface LatencyRun {
  /** One per measured request, in ms. */
  latencies: number[];
  downstreamCalls: number;
  mismatches: number;
  errors: number;
  cpuMsPerRequest: Record<string, number>;
  firstProblem?: string;
}

/**
 * Sequential latency of one contender on one scenario: a warm-up on fresh arguments
 * (discarded, whatever its speed), then requests on the checked arguments, every answer
 * compared with direct SQL's. Every contender gets the same warm-up and the same bounds.
 */
export async function measureLatency(contender: Contender, scenario: Scenario, warmupArguments: Variables[], checked: CheckedArguments, settings: MeasureSettings): Promise<LatencyRun> {
  await sequential(contender, scenario, settings.warmup, (index) => warmupArguments[index % warmupArguments.length]);
  const callsBefore = await contender.downstreamCallsSoFar();
  const cpu = cpuProbe(contender);
  const results = await sequential(contender, scenario, settings.latency, (index) => checked.variables[index]);
  const cpuMsPerRequest = cpu(results.length);
  const calls = (await contender.downstreamCallsSoFar()) - callsBefore;
  let mismatches = 0;
  let errors = 0;
  let firstProblem: string | undefined;
  for (const { index, answer } of results) {
    if (answer instanceof Error) {
      errors++;
      firstProblem ??= answer.message;
    } else if (!isDeepStrictEqual(scenario.normalize(answer), checked.expected[index])) {
      mismatches++;
      firstProblem ??= `answer ${index} differs from direct SQL's for ${JSON.stringify(checked.variables[index])}`;
    }
  }
  return {
    latencies: results.map((r) => r.ms),
    downstreamCalls: Math.round((calls / Math.max(1, results.length)) * 10) / 10,
    mismatches,
    errors,
    cpuMsPerRequest,
    ...(firstProblem ? { firstProblem } : {}),
  };
}

/** Direct SQL's normal answers for these argument sets: the reference every contender is checked against. */
export async function referenceAnswers(directSql: Contender, scenario: Scenario, variables: Variables[]): Promise<unknown[]> {
  const answers: unknown[] = [];
  for (const args of variables) {
    const { answer } = await ask(directSql, scenario, args);
    if (answer instanceof Error) throw new Error(`direct SQL failed on ${scenario.name} ${JSON.stringify(args)}: ${answer.message}`);
    answers.push(scenario.normalize(answer));
  }
  return answers;
}

export interface LoadRun {
  rps: number;
  /** Completed requests: in flight when the run ended do not count. */
  requests: number;
  latencies: number[];
  errors: number;
  checked: number;
  mismatches: number;
  cpuMsPerRequest: Record<string, number>;
  firstProblem?: string;
}

/**
 * Concurrent load with autocannon: a warm-up at the same concurrency (discarded), then
 * `seconds` of load. Every request draws its scenario (by weight) and fresh arguments,
 * so that no two in-flight requests are alike; one in 1/checkedShare uses arguments
 * with a known answer, and that answer is checked.
 */
export async function measureLoad(
  contender: Contender,
  mix: Array<{ scenario: Scenario; weight: number; checked: CheckedArguments }>,
  size: DataSize,
  until: Date,
  load: { connections: number; seconds: number },
  settings: MeasureSettings,
): Promise<LoadRun> {
  const random = seededRandom(load.connections * 7919 + Math.round(load.seconds));
  const totalWeight = mix.reduce((sum, entry) => sum + entry.weight, 0);
  const pick = () => {
    let roll = random() * totalWeight;
    for (const entry of mix) if ((roll -= entry.weight) < 0) return entry;
    return mix[mix.length - 1]!;
  };
  const checkEvery = Math.max(1, Math.round(1 / settings.checkedShare));
  const run = async (length: { duration: number } | { amount: number }, measured: boolean) => {
    let sent = 0;
    let graphqlErrors = 0;
    let checked = 0;
    let mismatches = 0;
    let firstProblem: string | undefined;
    const latencies: number[] = [];
    const started = performance.now();
    let lastResponseAt = started;
    const result = await new Promise<autocannon.Result>((resolve, reject) => {
      const instance = autocannon(
        {
          url: contender.url,
          connections: load.connections,
          ...length,
          timeout: 60,
          requests: [
            {
              method: 'POST',
              path: contender.path,
              headers: benchRequestHeaders(),
              setupRequest: (req, context) => {
                const entry = pick();
                const known = measured && ++sent % checkEvery === 0 ? Math.floor(random() * entry.checked.variables.length) : -1;
                Object.assign(context, { entry, known });
                const variables = known >= 0 ? entry.checked.variables[known]! : entry.scenario.variables(random, size, until);
                return { ...req, body: contender.requestBody(entry.scenario, variables) };
              },
              onResponse: (status, body, context) => {
                const { entry, known } = context as { entry: (typeof mix)[number]; known: number };
                if (status === 200 && body.includes('"errors":[')) graphqlErrors++;
                if (known < 0) return;
                checked++;
                let answer: unknown;
                try {
                  answer = contender.answerOf(entry.scenario, status, JSON.parse(body));
                } catch (error) {
                  answer = error as Error;
                }
                if (answer instanceof Error || !isDeepStrictEqual(entry.scenario.normalize(answer), entry.checked.expected[known])) {
                  mismatches++;
                  firstProblem ??= answer instanceof Error ? answer.message : `an answer under load differs from direct SQL's for ${JSON.stringify(entry.checked.variables[known])}`;
                }
              },
            },
          ],
        },
        (error, finished) => (error ? reject(error) : resolve(finished)),
      );
      instance.on('response', (_client, _status, _bytes, responseTime: number) => {
        latencies.push(responseTime);
        lastResponseAt = performance.now();
      });
    });
    return { result, latencies, graphqlErrors, checked, mismatches, firstProblem, seconds: (lastResponseAt - started) / 1000 };
  };
  // Warm-up at the same concurrency: at least one request per connection.
  await run({ amount: Math.max(load.connections, settings.warmup.requests) }, false);
  await contender.settle();
  const cpu = cpuProbe(contender);
  const measuredRun = await run({ duration: load.seconds }, true);
  const requests = measuredRun.result.requests.total;
  const cpuMsPerRequest = cpu(requests);
  await contender.settle();
  return {
    // Up to the last answer: autocannon reports on whole-second ticks.
    rps: measuredRun.seconds > 0 ? Math.round((requests / measuredRun.seconds) * 10) / 10 : 0,
    requests,
    latencies: measuredRun.latencies,
    errors: measuredRun.result.non2xx + measuredRun.result.errors + measuredRun.result.timeouts + measuredRun.graphqlErrors,
    checked: measuredRun.checked,
    mismatches: measuredRun.mismatches,
    cpuMsPerRequest,
    ...(measuredRun.firstProblem ? { firstProblem: measuredRun.firstProblem } : {}),
  };
}
