import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { request } from 'undici';
import type { Contender } from './contenders.js';
import type { DataSize } from './data-sets.js';
import { seededRandom, type Scenario, type Variables } from './scenarios.js';

/** How long and how hard each figure is measured. */
export interface MeasureSettings {
  /** Sequential requests per cell for the latency percentiles, and those thrown away first. */
  samples: number;
  warmups: number;
  /** A slow contender stops sampling `sampleBudgetMs` after its warm-up, once it has `minSamples`. */
  sampleBudgetMs: number;
  minSamples: number;
  /** Concurrent connections and seconds of the per-scenario throughput run (0 s: none). */
  throughputConnections: number;
  throughputSeconds: number;
  /** The dashboard mix: connections and seconds. */
  dashboardConnections: number;
  dashboardSeconds: number;
}

export interface LatencyFigures {
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  samples: number;
  downstreamCalls: number;
  /** Answers that differ from direct SQL's for the same arguments, and failed requests. */
  mismatches: number;
  errors: number;
  firstProblem?: string;
}

export interface LoadFigures {
  rps: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
}

/** The arguments of a scenario's requests: the same sequence for every contender. */
export function argumentSequence(scenario: Scenario, size: DataSize, until: Date, count: number, salt = 0): Variables[] {
  let seed = salt + size.orders;
  for (const char of scenario.name) seed = (Math.imul(seed, 31) + char.charCodeAt(0)) | 0;
  const random = seededRandom(seed);
  return Array.from({ length: count }, () => scenario.variables(random, size, until));
}

async function ask(contender: Contender, scenario: Scenario, variables: Variables): Promise<{ ms: number; answer: unknown }> {
  const started = performance.now();
  const response = await request(`${contender.url}${contender.path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
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

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const round = (ms: number) => Math.round(ms * 10) / 10;

/**
 * Sequential latency of one contender on one scenario. With `expected` (direct SQL's
 * normal answers, by index), every answer is checked; without, the answers become the
 * expected ones.
 */
export async function measureLatency(
  contender: Contender,
  scenario: Scenario,
  argumentSets: Variables[],
  settings: MeasureSettings,
  expected?: unknown[],
): Promise<{ figures: LatencyFigures; answers: unknown[] }> {
  const callsBefore = await contender.downstreamCallsSoFar();
  const limit = Math.min(argumentSets.length, expected?.length ?? Infinity);
  const latencies: number[] = [];
  const answers: unknown[] = [];
  let mismatches = 0;
  let errors = 0;
  let firstProblem: string | undefined;
  let samplingSince = performance.now();
  let warming = settings.warmups > 0;
  let index = 0;
  for (; index < limit; index++) {
    const measured = latencies.length;
    if (measured >= settings.samples) break;
    if (measured >= settings.minSamples && performance.now() - samplingSince > settings.sampleBudgetMs) break;
    const { ms, answer } = await ask(contender, scenario, argumentSets[index]!);
    // A request slower than the whole budget is measured rather than thrown away: its
    // time is the calls it makes, not a cold JIT, and warming up would only double it.
    if (!warming || ms >= settings.sampleBudgetMs) latencies.push(ms);
    if (warming) {
      warming = index + 1 < settings.warmups && ms < settings.sampleBudgetMs;
      samplingSince = performance.now();
    }
    if (answer instanceof Error) {
      errors++;
      firstProblem ??= answer.message;
      answers.push(answer);
      continue;
    }
    const normal = scenario.normalize(answer);
    answers.push(normal);
    if (expected && !isDeepStrictEqual(normal, expected[index])) {
      mismatches++;
      firstProblem ??= `answer ${index} differs from direct SQL's for ${JSON.stringify(argumentSets[index])}`;
    }
  }
  const calls = (await contender.downstreamCallsSoFar()) - callsBefore;
  const sorted = [...latencies].sort((a, b) => a - b);
  return {
    answers,
    figures: {
      p50Ms: round(percentile(sorted, 50)),
      p95Ms: round(percentile(sorted, 95)),
      p99Ms: round(percentile(sorted, 99)),
      samples: sorted.length,
      downstreamCalls: Math.round((calls / Math.max(1, index)) * 10) / 10,
      mismatches,
      errors,
      ...(firstProblem ? { firstProblem } : {}),
    },
  };
}

/**
 * Concurrent load with autocannon: every request draws its own scenario (by weight)
 * and arguments, so that no two in-flight requests are alike. A response counts as an
 * error when its status is not 2xx or it carries GraphQL errors.
 */
export async function measureLoad(
  contender: Contender,
  mix: Array<{ scenario: Scenario; weight: number }>,
  size: DataSize,
  until: Date,
  connections: number,
  /** Run for this many seconds, or until this many responses have come back. */
  length: { seconds: number } | { requests: number },
): Promise<LoadFigures> {
  const random = seededRandom(connections * 7919 + ('seconds' in length ? length.seconds : length.requests));
  const totalWeight = mix.reduce((sum, entry) => sum + entry.weight, 0);
  const pick = () => {
    let roll = random() * totalWeight;
    for (const entry of mix) if ((roll -= entry.weight) < 0) return entry.scenario;
    return mix[mix.length - 1]!.scenario;
  };
  let graphqlErrors = 0;
  const latencies: number[] = [];
  const started = performance.now();
  let lastResponseAt = started;
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const run = autocannon(
      {
        url: contender.url,
        connections,
        ...('seconds' in length ? { duration: length.seconds } : { amount: length.requests }),
        timeout: 60,
        requests: [
          {
            method: 'POST',
            path: contender.path,
            headers: { 'content-type': 'application/json' },
            setupRequest: (req) => {
              const scenario = pick();
              return { ...req, body: contender.requestBody(scenario, scenario.variables(random, size, until)) };
            },
            // A GraphQL error comes with status 200: look for it in the body.
            onResponse: (status, body) => {
              if (status === 200 && body.includes('"errors":[')) graphqlErrors++;
            },
          },
        ],
      },
      (error, finished) => (error ? reject(error) : resolve(finished)),
    );
    run.on('response', (_client, _status, _bytes, responseTime: number) => {
      latencies.push(responseTime);
      lastResponseAt = performance.now();
    });
  });
  // Up to the last answer: autocannon reports (and calls back) on whole-second ticks.
  const seconds = (lastResponseAt - started) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  return {
    rps: seconds > 0 ? Math.round((result.requests.total / seconds) * 10) / 10 : 0,
    p50Ms: sorted.length ? round(percentile(sorted, 50)) : NaN,
    p95Ms: sorted.length ? round(percentile(sorted, 95)) : NaN,
    p99Ms: sorted.length ? round(percentile(sorted, 99)) : NaN,
    requests: result.requests.total,
    errors: result.non2xx + result.errors + result.timeouts + graphqlErrors,
  };
}
