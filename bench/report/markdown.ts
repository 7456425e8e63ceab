import { CONTENDER_LABELS } from '../contenders.js';
import type { BenchResults, CellResult } from './bench-results.js';
import { compactCount } from './format.util.js';

const number = (value: number | null | undefined, digits = 1) => (value == null || Number.isNaN(value) ? '–' : value.toLocaleString('en', { maximumFractionDigits: digits }));
const times = (value: number | null) => (value === null ? '–' : `${value}x`);
const row = (cells: Array<string | number>) => `| ${cells.join(' | ')} |`;
const cpu = (byProcess: Record<string, number> | null) =>
  byProcess && Object.keys(byProcess).length
    ? Object.entries(byProcess)
        .map(([name, ms]) => `${name} ${number(ms)}`)
        .join(', ')
    : '–';
const p50 = (cell: CellResult) => (cell.samples ? `${number(cell.p50Ms)} [${number(cell.p50IntervalMs[0])}–${number(cell.p50IntervalMs[1])}]` : '–');

/** The results as the markdown the run prints and writes to bench/results/<date>.md. */
export function resultsMarkdown(results: BenchResults, chartFile: string): string {
  const { meta } = results;
  const { settings } = meta;
  const contenders = meta.contenders;
  const grafbase = meta.grafbaseSettings ? Object.entries(meta.grafbaseSettings).map(([key, value]) => `${key} = ${value}`).join(', ') : null;
  const lines = [
    `# Tributary benchmark, ${meta.date} (${meta.mode})`,
    '',
    ...(meta.verdicts ? [] : ['**A smoke test: its cells are too short to decide anything. Run `npm run bench` (the default mode) for verdicts.**', '']),
    `- Reproduce: \`${meta.command}\``,
    `- Database: ${meta.database}; settings: ${Object.entries(meta.databaseSettings).map(([k, v]) => `${k}=${v}`).join(', ') || '–'}`,
    `- Data: ${meta.dataSize.customers.toLocaleString('en')} customers, ${meta.dataSize.products.toLocaleString('en')} products, ${meta.dataSize.orders.toLocaleString('en')} orders`,
    `- Machine: ${meta.machine}`,
    `- Method: ${settings.repetitions} repetition(s); each starts every contender afresh, alone, in an order rotated by one. Every cell first discards a warm-up (${settings.warmup.requests} requests or ${settings.warmup.seconds} s, whichever comes first), then samples sequential latency (${settings.latency.requests} requests or ${settings.latency.seconds} s per repetition) with fresh arguments per request, every answer checked against direct SQL's for the same arguments.`,
    `- p50 [95% interval]: the median and its bootstrap confidence interval over every repetition's samples; p95 and p99 only above 100 samples.`,
    settings.throughput
      ? `- Load: ${settings.throughput.connections} connections for ${settings.throughput.seconds} s after a warm-up at the same concurrency, counting completed requests only; one answer in ${Math.round(1 / settings.checkedShare)} checked against direct SQL's. The dashboard mix: ${settings.dashboard?.connections} connections for ${settings.dashboard?.seconds} s. The naive gateway is measured for latency only.`
      : '- Load: none in this mode.',
    `- CPU ms per request: of every process of the contender (from /proc), during the sequential samples; under load in the load table.`,
    `- Contenders: ${contenders.map((c) => CONTENDER_LABELS[c]).join('; ')}.`,
    ...(grafbase ? [`- Grafbase: \`grafbase dev\` over the Prisma subgraphs, its schemas composed from their printed SDL, with ${grafbase}.`] : []),
    `- Peak RSS: of the process that answers the client (gateway, or the direct-SQL server${meta.database.startsWith('PGlite') ? ', which holds its embedded database in memory' : ''}).`,
    '',
    '## Latency',
    '',
    row(['Scenario', 'Contender', 'p50 ms [95% interval]', 'p95 ms', 'p99 ms', 'samples', 'downstream calls', 'CPU ms per request', 'errors']),
    row(Array(9).fill('---')),
  ];
  for (const scenario of results.scenarios.filter((s) => s.name !== 'dashboard')) {
    for (const contender of contenders) {
      const cell = scenario.contenders[contender]!;
      const problems = cell.errors + cell.mismatches;
      lines.push(row([scenario.title, CONTENDER_LABELS[contender], p50(cell), number(cell.p95Ms), number(cell.p99Ms), cell.samples, number(cell.downstreamCalls), cpu(cell.cpuMsPerRequest), problems ? `**${problems}**` : 0]));
    }
  }
  lines.push('', '## Load', '', row(['Scenario', 'Contender', 'req/s (per repetition)', 'p50 ms under load', 'CPU ms per request', 'peak RSS MB', 'checked', 'errors']), row(Array(8).fill('---')));
  for (const scenario of results.scenarios) {
    for (const contender of contenders) {
      const cell = scenario.contenders[contender]!;
      if (cell.rps === null) continue;
      const problems = cell.errors + cell.mismatches;
      const underLoad = scenario.name === 'dashboard' ? p50(cell) : '–';
      lines.push(row([scenario.title, CONTENDER_LABELS[contender], `${number(cell.rps)} (${cell.rpsByRepetition.join(', ')})`, underLoad, cpu(cell.loadCpuMsPerRequest), number(cell.peakRssMb, 0), cell.checkedUnderLoad, problems ? `**${problems}**` : 0]));
    }
  }
  const peers = contenders.includes('federationPg') || contenders.includes('grafbase');
  const peerHeads = peers ? ['p50 Tributary/Federation pg', 'p50 Tributary/Grafbase', 'req/s Tributary/Grafbase'] : [];
  lines.push('', '## Ratios', '', row(['Scenario', 'calls naive/Tributary', 'p50 naive/Tributary', 'p50 Tributary/direct SQL', 'p50 Tributary/Federation', 'req/s Tributary/Federation', 'p50 store/direct SQL', ...peerHeads]), row(Array(7 + peerHeads.length).fill('---')));
  for (const scenario of results.scenarios) {
    const r = results.ratios[scenario.name]!;
    const peerRatios = peers ? [times(r.tributaryOverFederationPgP50), times(r.tributaryOverGrafbaseP50), times(r.tributaryOverGrafbaseRps)] : [];
    lines.push(row([scenario.title, times(r.naiveOverTributaryCalls), times(r.naiveOverTributaryP50), times(r.tributaryOverDirectSqlP50), times(r.tributaryOverFederationP50), times(r.tributaryOverFederationRps), times(r.storeOverDirectSqlP50), ...peerRatios]));
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
    for (const contender of contenders) lines.push(row([series.title, CONTENDER_LABELS[contender], ...series.p50Ms[contender]!.map((v) => number(v)), series.slope[contender]!]));
  }
  lines.push('', `![p50 latency against data size](${chartFile})`);
  if (results.pumps) {
    const p = results.pumps;
    lines.push(
      '',
      '## Pumps',
      '',
      `Each service's batch pump fills an empty store (customers, products, orders and their lines: ${p.rows.toLocaleString('en')} rows; \`npm run pump -- <service> --full\`, the three at once, timed by the slowest run's own clock); then ${p.catchUp.updates.toLocaleString('en')} orders change status through the orders service (${p.catchUp.writeSeconds} s of writes, 16 at a time) and the store is timed until it has them all. Idle pumps look every ${p.pumpIntervalMs} ms. The floor: raw COPY of the same rows into empty tables of the same shape and indexes in the same database.`,
      '',
      row(['What', 'Seconds', 'Rows/s']),
      row(Array(3).fill('---')),
      row(['Initial load by the pumps', p.initialLoad.seconds, p.initialLoad.rowsPerSecond.toLocaleString('en')]),
      row(['Raw COPY of the same rows', p.rawCopy.seconds, p.rawCopy.rowsPerSecond.toLocaleString('en')]),
      row([`Catch-up after the last of ${p.catchUp.updates.toLocaleString('en')} updates`, p.catchUp.secondsAfterLastWrite, '']),
      '',
      `The pumps load at ${Math.round(p.pumpOverCopy * 100)}% of raw COPY's rate.`,
    );
  }
  if (meta.verdicts) {
    lines.push('', '## Goals', '', row(['Goal', 'Target', 'Measured', 'Met']), row(Array(4).fill('---')));
    for (const goal of results.goals) lines.push(row([goal.goal, goal.target, goal.measured, goal.met ? 'yes' : '**no**']));
  }
  if (results.plans.length) {
    lines.push('', '## Statements and their plans', '', 'Every statement each contender ran for one request of each scenario, run again under EXPLAIN (ANALYZE, BUFFERS) on the same database; the plans are in `plans/`.', '');
    lines.push(row(['Scenario', 'Contender', 'process', 'execution ms', 'plan', 'statement']), row(Array(6).fill('---')));
    for (const plan of results.plans) {
      lines.push(row([plan.scenario, CONTENDER_LABELS[plan.contender], plan.process, number(plan.executionMs, 2), `[plan](${plan.file})`, `\`${plan.statement.replace(/\s+/g, ' ').replaceAll('|', '\\|').slice(0, 90)}…\``]));
    }
  }
  const problems = results.scenarios.flatMap((s) => contenders.filter((c) => s.contenders[c]?.firstProblem).map((c) => `- ${s.title}, ${CONTENDER_LABELS[c]}: ${s.contenders[c]!.firstProblem}`));
  if (problems.length) lines.push('', '## Problems', '', ...problems);
  lines.push('');
  return lines.join('\n');
}
