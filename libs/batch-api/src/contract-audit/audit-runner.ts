import { MAX_PAGE_SIZE } from '@tributary/contracts';
import { AuditContext } from './audit-context.js';
import { BATCH_GET_AUDITS } from './batch-get.audits.js';
import type { AuditOutcome, AuditResult, ContractAudit, ContractAuditOptions, ContractAuditReport } from './contract-audit.types.js';
import { ERROR_AUDITS } from './errors.audits.js';
import { INCREMENTAL_AUDITS } from './incremental.audits.js';
import { LIST_AUDITS } from './list.audits.js';
import { OPENAPI_AUDITS } from './openapi.audits.js';

/** Every rule of the batch contract (DESIGN.md) that an HTTP client can check, in the order they run. */
export const CONTRACT_AUDITS: readonly ContractAudit[] = [...OPENAPI_AUDITS, ...BATCH_GET_AUDITS, ...LIST_AUDITS, ...ERROR_AUDITS, ...INCREMENTAL_AUDITS];

const outcomeOf = (audit: ContractAudit, passed: boolean): AuditOutcome => (passed ? 'ok' : audit.level === 'MUST' ? 'error' : 'warn');

/**
 * Audits one resource of a service against the batch contract over HTTP, one audit after
 * the other. It only reads (batchGet is a read), unless `allowWrites` lets the
 * incremental-read audits create rows of their own. An audit that cannot run (no
 * answer, too few rows) fails with the reason.
 */
export async function auditContract(options: ContractAuditOptions): Promise<ContractAuditReport> {
  const url = options.url.replace(/\/+$/, '');
  // The walks compare pages of MAX_PAGE_SIZE: they need at least two of them to stop early.
  const context = new AuditContext({ ...options, url, maxRows: Math.max(options.maxRows ?? 20_000, 2 * MAX_PAGE_SIZE) });
  const startedAt = new Date();
  const results: AuditResult[] = [];
  const runnable = CONTRACT_AUDITS.filter((audit) => options.allowWrites || !audit.writes);
  for (const audit of runnable) {
    const started = performance.now();
    const verdict = await audit.run(context).catch((error: unknown) => ({ passed: false, reason: `could not run: ${(error as Error).message}` }));
    results.push({ name: audit.name, level: audit.level, rule: audit.rule, result: outcomeOf(audit, verdict.passed), reason: verdict.reason, durationMs: Math.round(performance.now() - started) });
  }
  const notRun = CONTRACT_AUDITS.filter((audit) => !runnable.includes(audit)).map(({ name, level, rule }) => ({ name, level, rule, reason: 'it creates rows: pass --allow-writes (allowWrites) to run it' }));
  const summary = { ok: 0, warn: 0, error: 0 };
  for (const result of results) summary[result.result]++;
  return {
    url,
    resource: options.resource,
    resourceKey: context.resourceKey,
    allowWrites: options.allowWrites ?? false,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    results,
    notRun,
    summary,
  };
}
