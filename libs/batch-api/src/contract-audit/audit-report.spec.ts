import { describe, expect, it } from 'vitest';
import { formatAuditTable, wrap } from './audit-report.js';
import type { ContractAuditReport } from './contract-audit.types.js';

const report: ContractAuditReport = {
  url: 'http://localhost:4001',
  resource: 'customers',
  resourceKey: 'customer',
  allowWrites: false,
  startedAt: '2026-01-01T00:00:00.000Z',
  durationMs: 1234,
  results: [
    { name: 'batch-get.order', level: 'MUST', rule: '…', result: 'ok', reason: 'in order', durationMs: 3 },
    { name: 'openapi.docs-page', level: 'SHOULD', rule: '…', result: 'warn', reason: 'GET /docs answered 404', durationMs: 1 },
    { name: 'list.page-size-clamp', level: 'MUST', rule: '…', result: 'error', reason: 'pageSize=1001 gave 1,001 rows, not 1000', durationMs: 5 },
  ],
  notRun: [{ name: 'incremental.new-rows', level: 'MUST', rule: '…', reason: '…' }],
  summary: { ok: 1, warn: 1, error: 1 },
};

describe('the audit table', () => {
  it('has one aligned line per audit, a summary and what was not run', () => {
    expect(formatAuditTable(report)).toBe(
      [
        'Batch contract audit of customers at http://localhost:4001 (read only)',
        '',
        'RESULT  LEVEL   AUDIT                 REASON',
        'ok      MUST    batch-get.order       in order',
        'warn    SHOULD  openapi.docs-page     GET /docs answered 404',
        'error   MUST    list.page-size-clamp  pageSize=1001 gave 1,001 rows, not 1000',
        '',
        '3 audits in 1.2 s: 1 ok, 1 warning, 1 error',
        'Not run, as they create rows (pass --allow-writes): incremental.new-rows (MUST)',
        '',
      ].join('\n'),
    );
  });

  it('colours results and wraps reasons under their column', () => {
    const table = formatAuditTable(report, { color: true, width: 70 });
    expect(table).toContain(`\u001b[1;31merror \u001b[0m  MUST    list.page-size-clamp  pageSize=1001 gave 1,001 rows,\n${' '.repeat(38)}not 1000\n`);
    expect(table).toContain('\u001b[32mok    \u001b[0m');
    expect(table).toContain('\u001b[33m1 warning\u001b[0m');
  });
});

describe('wrap', () => {
  it('breaks at spaces, and a word longer than the width where it must', () => {
    expect(wrap('one two three', 7)).toEqual(['one two', 'three']);
    expect(wrap('abcdefghij', 4)).toEqual(['abcd', 'efgh', 'ij']);
    expect(wrap('short', 0)).toEqual(['short']);
  });
});
