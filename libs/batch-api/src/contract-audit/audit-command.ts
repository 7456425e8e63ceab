import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { ConfigError, serviceCredentialOf, serviceCredentialSettingsFromEnv, type Env, type ServiceCredential } from '@tributary/core';
import { formatAuditJson, formatAuditTable } from './audit-report.js';
import { auditContract } from './audit-runner.js';
import type { ContractAuditOptions, ContractAuditReport } from './contract-audit.types.js';

export const AUDIT_USAGE = `npm run audit:contract -- <base-url> --resource <plural> [--ids-from list|<file>] [--unknown-ids-from <file>] [--resource-key <singular>]
       [--allow-writes [--create-body <file.json>] [--settle-ms <ms>]] [--header 'name: value']... [--max-rows <n>] [--json] [--strict]`;

export class AuditUsageError extends Error {}

/** Where the command writes: the process's streams, or a test's. */
export interface AuditCommandIo {
  stdout: { write(text: string): unknown; isTTY?: boolean; columns?: number; hasColors?(): boolean };
  stderr: { write(text: string): unknown };
}

export interface AuditCommand {
  options: ContractAuditOptions;
  json: boolean;
  /** Warnings fail the run too (CI). */
  strict: boolean;
}

/** Ids from a file: a JSON array of strings, or one per line (blank lines and # comments skipped). */
function idsFromFile(path: string, flag = '--ids-from'): string[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new AuditUsageError(`${flag} ${path}: ${(error as Error).message}`);
  }
  if (text.trimStart().startsWith('[')) {
    const ids = JSON.parse(text) as unknown;
    if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) throw new AuditUsageError(`${flag} ${path}: a JSON file of ids is an array of strings`);
    return ids;
  }
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
}

function jsonObjectFromFile(path: string): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new AuditUsageError(`--create-body ${path}: ${(error as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new AuditUsageError(`--create-body ${path}: the body is a JSON object`);
  return body as Record<string, unknown>;
}

/** With SERVICE_TOKEN_SECRET in the environment, the audit sends a service credential, as the gateway does: so it can audit a production service. */
function credentialFromEnv(env: Env): ServiceCredential | null {
  try {
    return serviceCredentialOf(serviceCredentialSettingsFromEnv(env), 'contract-audit');
  } catch (error) {
    if (error instanceof ConfigError) throw new AuditUsageError(error.message);
    throw error;
  }
}

export function auditCommandFromArgs(args: readonly string[], env: Env = process.env): AuditCommand {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...args],
      allowPositionals: true,
      options: {
        resource: { type: 'string' },
        'resource-key': { type: 'string' },
        'ids-from': { type: 'string' },
        'unknown-ids-from': { type: 'string' },
        'allow-writes': { type: 'boolean' },
        'create-body': { type: 'string' },
        header: { type: 'string', multiple: true },
        'max-rows': { type: 'string' },
        'settle-ms': { type: 'string' },
        json: { type: 'boolean' },
        strict: { type: 'boolean' },
      },
    });
  } catch (error) {
    throw new AuditUsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new AuditUsageError(positionals.length ? `one base URL, not ${positionals.length}: ${positionals.join(' ')}` : 'the base URL of the service is required');
  const url = positionals[0]!;
  if (!/^https?:\/\/[^/]/.test(url) || !URL.canParse(url)) throw new AuditUsageError(`${url} is not an http(s) URL`);
  if (!values.resource || !/^[A-Za-z][\w-]*$/.test(values.resource)) throw new AuditUsageError('--resource <plural> is required: the path segment of the resource, e.g. customers');
  const idsFrom = values['ids-from'] ?? 'list';
  const headers = Object.fromEntries(
    (values.header ?? []).map((header) => {
      const colon = header.indexOf(':');
      if (colon <= 0) throw new AuditUsageError(`--header ${JSON.stringify(header)} is not 'name: value'`);
      return [header.slice(0, colon).trim().toLowerCase(), header.slice(colon + 1).trim()];
    }),
  );
  const maxRows = values['max-rows'] === undefined ? undefined : Number(values['max-rows']);
  if (maxRows !== undefined && (!Number.isSafeInteger(maxRows) || maxRows < 1)) throw new AuditUsageError('--max-rows is a positive integer');
  const settleMs = values['settle-ms'] === undefined ? undefined : Number(values['settle-ms']);
  if (settleMs !== undefined && (!Number.isSafeInteger(settleMs) || settleMs < 0)) throw new AuditUsageError('--settle-ms is a number of milliseconds');
  for (const flag of ['create-body', 'settle-ms'] as const) if (values[flag] !== undefined && !values['allow-writes']) throw new AuditUsageError(`--${flag} is for --allow-writes`);
  const credential = credentialFromEnv(env);
  return {
    options: {
      url,
      resource: values.resource,
      ...(values['resource-key'] ? { resourceKey: values['resource-key'] } : {}),
      ...(idsFrom === 'list' ? {} : { ids: idsFromFile(idsFrom) }),
      ...(values['unknown-ids-from'] ? { unknownIds: idsFromFile(values['unknown-ids-from'], '--unknown-ids-from') } : {}),
      allowWrites: values['allow-writes'] ?? false,
      ...(values['create-body'] ? { createBody: jsonObjectFromFile(values['create-body']) } : {}),
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(credential ? { credential } : {}),
      ...(maxRows !== undefined ? { maxRows } : {}),
      ...(settleMs !== undefined ? { settleMs } : {}),
    },
    json: values.json ?? false,
    strict: values.strict ?? false,
  };
}

/** 1 when a MUST audit failed, or (with --strict) any audit did; else 0. */
export function exitCodeOf(report: ContractAuditReport, strict: boolean): number {
  return report.summary.error > 0 || (strict && report.summary.warn > 0) ? 1 : 0;
}

/**
 * `npm run audit:contract`: audits a service, prints a table (coloured on a terminal) or
 * JSON, and returns the exit code: 0, 1 when a MUST audit failed (or any, with --strict),
 * 2 on a usage error.
 */
export async function runAuditCommand(args: readonly string[], io: AuditCommandIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  let command: AuditCommand;
  try {
    command = auditCommandFromArgs(args);
  } catch (error) {
    if (!(error instanceof AuditUsageError)) throw error;
    io.stderr.write(`${error.message}\nusage: ${AUDIT_USAGE}\n`);
    return 2;
  }
  const report = await auditContract(command.options);
  const terminal = io.stdout.isTTY === true;
  io.stdout.write(command.json ? formatAuditJson(report) : formatAuditTable(report, { color: terminal && (io.stdout.hasColors?.() ?? false), width: terminal ? io.stdout.columns : undefined }));
  return exitCodeOf(report, command.strict);
}
