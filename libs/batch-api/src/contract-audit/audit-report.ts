import type { AuditOutcome, ContractAuditReport } from './contract-audit.types.js';

export interface TableOptions {
  /** ANSI colours (a terminal that has them). */
  color?: boolean;
  /** Wrap reasons to this many columns (a terminal's width); no wrapping when absent. */
  width?: number;
}

const ANSI = { ok: '\u001b[32m', warn: '\u001b[33m', error: '\u001b[1;31m', dim: '\u001b[2m', bold: '\u001b[1m', reset: '\u001b[0m' } as const;

/** Splits text into lines of at most `width` characters, at spaces where it can. */
export function wrap(text: string, width: number): string[] {
  if (width <= 0 || text.length <= width) return [text];
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
    }
    line = line ? `${line} ${word}` : word;
    while (line.length > width) {
      lines.push(line.slice(0, width));
      line = line.slice(width);
    }
  }
  if (line) lines.push(line);
  return lines;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The report as a table for people: one line per audit (reasons wrapped to the width), a summary, and what was not run. */
export function formatAuditTable(report: ContractAuditReport, options: TableOptions = {}): string {
  const paint = (style: keyof typeof ANSI, text: string) => (options.color ? `${ANSI[style]}${text}${ANSI.reset}` : text);
  const nameWidth = Math.max('AUDIT'.length, ...report.results.map((result) => result.name.length));
  const columns = (result: string, level: string, name: string) => `${result.padEnd(6)}  ${level.padEnd(6)}  ${name.padEnd(nameWidth)}  `;
  const indent = columns('', '', '').length;
  const reasonWidth = options.width ? Math.max(30, options.width - indent) : 0;
  const lines = [
    `Batch contract audit of ${report.resource} at ${report.url} (${report.allowWrites ? 'writes allowed' : 'read only'})`,
    '',
    paint('bold', `${columns('RESULT', 'LEVEL', 'AUDIT')}REASON`.trimEnd()),
  ];
  for (const result of report.results) {
    const [first = '', ...rest] = wrap(result.reason, reasonWidth);
    lines.push(`${paint(result.result, result.result.padEnd(6))}  ${result.level.padEnd(6)}  ${result.name.padEnd(nameWidth)}  ${first}`);
    for (const line of rest) lines.push(`${' '.repeat(indent)}${line}`);
  }
  const { ok, warn, error } = report.summary;
  const counts: Array<[AuditOutcome, string]> = [
    ['ok', `${ok} ok`],
    ['warn', plural(warn, 'warning')],
    ['error', plural(error, 'error')],
  ];
  lines.push('', `${plural(report.results.length, 'audit')} in ${(report.durationMs / 1000).toFixed(1)} s: ${counts.map(([outcome, text]) => (report.summary[outcome] && outcome !== 'ok' ? paint(outcome, text) : text)).join(', ')}`);
  if (report.notRun.length) {
    const notRun = `Not run, as they create rows (pass --allow-writes): ${report.notRun.map((audit) => `${audit.name} (${audit.level})`).join(', ')}`;
    lines.push(...wrap(notRun, options.width ?? 0).map((line) => paint('dim', line)));
  }
  return `${lines.join('\n')}\n`;
}

/** The report for machines: `--json`. */
export function formatAuditJson(report: ContractAuditReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}
