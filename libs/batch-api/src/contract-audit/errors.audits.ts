import { describeResponse, isProblem, namedFields, namesField, problemMismatch, type AuditResponse } from './audit-http.js';
import { fail, pass, type ContractAudit } from './contract-audit.types.js';
import type { AuditContext } from './audit-context.js';

const invalidFields: ContractAudit = {
  name: 'errors.invalid-fields',
  level: 'MUST',
  rule: 'errors are application/problem+json naming every invalid field',
  async run(context) {
    const response = await context.http.get(context.listPath, { pageSize: -1, updatedSince: 'yesterday' });
    const mismatch = problemMismatch(response, { status: 400, fields: ['pageSize', 'updatedSince'] });
    if (mismatch) return fail(`pageSize=-1 with updatedSince=yesterday: ${mismatch}`);
    return pass('pageSize=-1 with updatedSince=yesterday: one 400 problem+json naming both');
  },
};

/** The probes no service routes, one per way a client gets a path wrong. */
function unknownRoutes(context: AuditContext): Array<{ method: 'GET' | 'POST'; path: string; statuses: number[] }> {
  return [
    { method: 'GET', path: `/v1/no-such-resource-${context.runTag}`, statuses: [404] },
    { method: 'GET', path: `/no-such-path-${context.runTag}`, statuses: [404] },
    // A route that exists for other methods may answer 405.
    { method: 'POST', path: `${context.listPath}:noSuchMethod${context.runTag}`, statuses: [404, 405] },
  ];
}

const unknownRoute: ContractAudit = {
  name: 'errors.unknown-route',
  level: 'MUST',
  rule: 'an unknown route is a 404 problem',
  async run(context) {
    const probes = unknownRoutes(context);
    for (const { method, path, statuses } of probes) {
      const mismatch = problemMismatch(await context.http.send(method, path, method === 'POST' ? {} : undefined), { status: statuses });
      if (mismatch) return fail(mismatch);
    }
    return pass(`${probes.map(({ method, path }) => `${method} ${path.replace(context.runTag, '…')}`).join(', ')}: each a 404 problem+json`);
  },
};

/** Why a problem document is not RFC 9457's: status as sent, a title; type and detail strings when present. */
function problemShapeMismatch(response: AuditResponse): string | undefined {
  const problem = response.json as Record<string, unknown> | undefined;
  if (!isProblem(response) || problem === null || typeof problem !== 'object') return `${describeResponse(response)}: not a problem document`;
  if (problem.status !== response.status) return `${response.method} ${response.path}: the problem's status is ${JSON.stringify(problem.status)}, the response's ${response.status}`;
  if (typeof problem.title !== 'string' || !problem.title) return `${response.method} ${response.path}: the problem has no title`;
  for (const member of ['type', 'detail', 'instance'] as const) {
    if (problem[member] !== undefined && typeof problem[member] !== 'string') return `${response.method} ${response.path}: the problem's ${member} is not a string`;
  }
  return undefined;
}

const problemShape: ContractAudit = {
  name: 'errors.problem-shape',
  level: 'SHOULD',
  rule: 'a problem document has RFC 9457 members: the status as sent, a title, and type and detail as strings',
  async run(context) {
    const responses = [await context.http.get(context.listPath, { pageSize: -1, updatedSince: 'yesterday' }), await context.http.get(`/v1/no-such-resource-${context.runTag}`)];
    for (const response of responses) {
      const mismatch = problemShapeMismatch(response);
      if (mismatch) return fail(mismatch);
    }
    return pass('a 400 and a 404: each with status, title, type and detail as RFC 9457 has them');
  },
};

const oversizedBody: ContractAudit = {
  name: 'errors.oversized-body',
  level: 'MUST',
  rule: 'a body over the service’s limit is refused (413, or a 400 problem naming the body)',
  async run(context) {
    const size = context.oversizedBodyBytes;
    const mib = `${(size / 1024 / 1024).toFixed(size % (1024 * 1024) ? 1 : 0)} MiB`;
    // One id as long as the whole body: a service that reads it all refuses it for the id, not its size.
    const body = Buffer.alloc(size, 'a');
    body.write('{"ids": ["', 0);
    body.write('"]}', size - 3);
    let response: AuditResponse;
    try {
      response = await context.http.post(context.batchGetPath, body);
    } catch (error) {
      return fail(`a body of ${mib}: ${(error as Error).message}`);
    }
    if (response.status === 413) {
      return isProblem(response) ? pass(`a body of ${mib}: 413 problem+json`) : fail(`a body of ${mib}: ${describeResponse(response)}: an error must be application/problem+json`);
    }
    const mismatch = problemMismatch(response, { status: 400 });
    if (mismatch) return fail(`a body of ${mib}: ${mismatch}`);
    const named = namedFields(response.json);
    if (!namesField(named, 'body')) return fail(`a body of ${mib} was read whole: its 400 names ${named.join(', ') || 'no field'}, not the body or its size`);
    return pass(`a body of ${mib}: 400 problem+json naming the body`);
  },
};

export const ERROR_AUDITS: readonly ContractAudit[] = [invalidFields, problemShape, unknownRoute, oversizedBody];
