import type { ServiceCredential } from '@tributary/core';
import type { AuditContext } from './audit-context.js';

/** How binding a rule is (RFC 2119): a MUST failure is an error, a SHOULD or MAY failure a warning. */
export type AuditLevel = 'MUST' | 'SHOULD' | 'MAY';

export type AuditOutcome = 'ok' | 'warn' | 'error';

/** What an audit found: whether the service keeps the rule, and why the audit thinks so. */
export interface AuditVerdict {
  passed: boolean;
  reason: string;
}

export const pass = (reason: string): AuditVerdict => ({ passed: true, reason });
export const fail = (reason: string): AuditVerdict => ({ passed: false, reason });

/** One rule of the batch contract (DESIGN.md), checked over HTTP. */
export interface ContractAudit {
  /** `topic.rule`, e.g. `batch-get.order`: stable, for CI and for `--json` readers. */
  name: string;
  level: AuditLevel;
  /** The rule, in the contract's words. */
  rule: string;
  /** It creates or changes rows: run only with `allowWrites`. */
  writes?: boolean;
  run(context: AuditContext): Promise<AuditVerdict>;
}

export interface AuditResult {
  name: string;
  level: AuditLevel;
  rule: string;
  result: AuditOutcome;
  reason: string;
  durationMs: number;
}

/** An audit left out, and why (it writes, and writes were not allowed). */
export interface AuditNotRun {
  name: string;
  level: AuditLevel;
  rule: string;
  reason: string;
}

export interface ContractAuditReport {
  url: string;
  resource: string;
  /** The key of one resource in batchGet results, e.g. `customer`. */
  resourceKey: string;
  allowWrites: boolean;
  startedAt: string;
  durationMs: number;
  results: AuditResult[];
  notRun: AuditNotRun[];
  summary: Record<AuditOutcome, number>;
}

export interface ContractAuditOptions {
  /** The service's base URL, e.g. http://localhost:4001. */
  url: string;
  /** The plural resource name, the path segment: `customers`. */
  resource: string;
  /** The key of one resource in batchGet results; the singular of `resource` when absent. */
  resourceKey?: string;
  /** Ids that exist, for the batchGet audits; read from the list endpoint when absent. */
  ids?: readonly string[];
  /**
   * Ids that do not exist but have the resource's format, for a service that refuses
   * malformed ids with a 400; UUID-shaped ids of this run when absent.
   */
  unknownIds?: readonly string[];
  /** Lets the incremental-read audits create (and change) rows of their own. */
  allowWrites?: boolean;
  /** The body the write audits create rows with; derived from the OpenAPI document and an existing row when absent. */
  createBody?: Record<string, unknown>;
  /** Sent with every request, e.g. `authorization`. */
  headers?: Readonly<Record<string, string>>;
  /** A service credential sent with every request (a production service refuses calls without one); an `authorization` header given in `headers` wins. */
  credential?: ServiceCredential | null;
  /** The most rows a walk over the list reads before it stops (default 20,000). */
  maxRows?: number;
  /** Per request (default 15 s). */
  timeoutMs?: number;
  /** How long a write may take to show in lists, the service's safety margin (default 5 s): the write audits wait that long for it. */
  settleMs?: number;
  /** The size of the body that must be refused as oversized (default 16 MiB). */
  oversizedBodyBytes?: number;
}
