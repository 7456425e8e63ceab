import { CONTENDER_LABELS, CONTENDERS } from '../contenders.js';
import type { BenchResults } from './bench-results.js';
import { compactCount } from './format.util.js';

const number = (value: number | null | undefined, digits = 1) => (value == null || Number.isNaN(value) ? '–' : value.toLocaleString('en', { maximumFractionDigits: digits }));
const times = (value: number | null) => (value === null ? '–' : `${value}x`);
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;

/** The results as the markdown the run prints and writes to bench/results/<date>.md. */
export function resultsMarkdown(results: BenchResults, chartFile: string): string {
  const { meta } = results;
  const lines = [
    `# Tributary benchmark, ${meta.date} (${meta.mode})`,
    '',
    `- Reproduce: \`${meta.command}\``,
    `- Database: ${meta.database}`,
    `- Data: ${meta.dataSize.customers.toLocaleString('en')} customers, ${meta.dataSize.products.toLocaleString('en')} products, ${meta.dataSize.orders.toLocaleString('en')} orders`,
    `- Machine: ${meta.machine}`,
    `- Latency: sequential requests with fresh arguments each, after warm-up; every answer checked against direct SQL's for the same arguments.`,
    `- Throughput (req/s): autocannon, ${meta.connections.throughput} connections sending about ${meta.seconds.throughput} s worth of requests per scenario (every one answered; – where one request takes over half a second and over that run's length); the dashboard mix: ${meta.connections.dashboard} connections for ${meta.seconds.dashboard} s, its latency measured under that load.`,
    `- Downstream calls: HTTP requests from the gateway to services (or subgraphs) per request; direct SQL makes none (one SQL statement).`,
    `- Peak RSS: of the process that answers the client (gateway, or the direct-SQL server${meta.database.startsWith('PGlite') ? ', which holds its embedded database in memory' : ''}).`,
    '',
    '## Figures',
    '',
    row(['Scenario', 'Contender', 'p50 ms', 'p95 ms', 'p99 ms', 'req/s', 'downstream calls', 'peak RSS MB', 'samples', 'errors']),
    row(Array(10).fill('---')),
  ];
  for (const scenario of results.scenarios) {
    for (const contender of CONTENDERS) {
      const cell = scenario.contenders[contender];
      const problems = cell.errors + cell.mismatches;
      lines.push(
        row([
          scenario.title,
          CONTENDER_LABELS[contender],
          number(cell.p50Ms),
          number(cell.p95Ms),
          number(cell.p99Ms),
          number(cell.rps),
          number(cell.downstreamCalls),
          number(cell.peakRssMb, 0),
          cell.samples,
          problems ? `**${problems}**` : 0,
        ]),
      );
    }
  }
  lines.push('', '## Ratios', '', row(['Scenario', 'calls naive/Tributary', 'p50 naive/Tributary', 'p50 Tributary/direct SQL', 'p50 Tributary/Federation', 'req/s Tributary/Federation']), row(Array(6).fill('---')));
  for (const scenario of results.scenarios) {
    const r = results.ratios[scenario.name]!;
    lines.push(row([scenario.title, times(r.naiveOverTributaryCalls), times(r.naiveOverTributaryP50), times(r.tributaryOverDirectSqlP50), times(r.tributaryOverFederationP50), times(r.tributaryOverFederationRps)]));
  }
  const { sizes, scenarios } = results.scaling;
  lines.push(
    '',
    '## Scaling: p50 ms by data size',
    '',
    'The slope b fits p50 ∝ orders^b: 0 is flat, 1 grows as fast as the data.',
    '',
    row(['Scenario', 'Contender', ...sizes.map((s) => `${compactCount(s.orders)} orders`), 'slope b']),
    row(Array(sizes.length + 3).fill('---')),
  );
  for (const series of scenarios) {
    for (const contender of CONTENDERS) lines.push(row([series.title, CONTENDER_LABELS[contender], ...series.p50Ms[contender].map((v) => number(v)), series.slope[contender]]));
  }
  lines.push('', `![p50 latency against data size](${chartFile})`, '', '## Goals', '', row(['Goal', 'Target', 'Measured', 'Met']), row(Array(4).fill('---')));
  for (const goal of results.goals) lines.push(row([goal.goal, goal.target, goal.measured, goal.met ? 'yes' : '**no**']));
  const problems = results.scenarios.flatMap((s) => CONTENDERS.filter((c) => s.contenders[c].firstProblem).map((c) => `- ${s.title}, ${CONTENDER_LABELS[c]}: ${s.contenders[c].firstProblem}`));
  if (problems.length) lines.push('', '## Problems', '', ...problems);
  lines.push('');
  return lines.join('\n');
}
