import { OPENAPI_PATHS, type AuditContext, type OpenApiDocument } from './audit-context.js';
import { describeResponse, problemMismatch } from './audit-http.js';
import { fail, pass, type ContractAudit } from './contract-audit.types.js';

const has = (document: OpenApiDocument, path: string, method: string) => document.paths?.[path]?.[method] !== undefined;

/** A path of the document that matches `pattern`, where `{x}` templates stand for any segment. */
function documentedPath(document: OpenApiDocument, method: string, matches: (path: string) => boolean): string | undefined {
  return Object.keys(document.paths ?? {}).find((path) => matches(path) && has(document, path, method));
}

const document: ContractAudit = {
  name: 'openapi.document',
  level: 'MUST',
  rule: 'the service serves its OpenAPI document, with the batch methods of the resource in it',
  async run(context) {
    const found = await context.openApi();
    if (!found) return fail(`no OpenAPI document at ${OPENAPI_PATHS.join(', ')}`);
    const { path, document } = found;
    const missing = [
      ['post', context.batchGetPath],
      ['get', context.listPath],
    ].filter(([method, route]) => !has(document, route!, method!));
    if (missing.length) return fail(`${path} does not document ${missing.map(([method, route]) => `${method!.toUpperCase()} ${route}`).join(' or ')}`);
    return pass(`${path} (OpenAPI ${document.openapi ?? document.swagger}) documents POST ${context.batchGetPath} and GET ${context.listPath}`);
  },
};

const docsPage: ContractAudit = {
  name: 'openapi.docs-page',
  level: 'SHOULD',
  rule: 'the service serves a docs page for people at /docs',
  async run(context) {
    const response = await context.http.get('/docs');
    if (response.status !== 200 || response.contentType !== 'text/html') return fail(`${describeResponse(response)}, not an HTML page`);
    return pass('/docs is an HTML page');
  },
};

const exportPath = (context: AuditContext) => (path: string) => path === `/v1/${context.resource}:export` || /^\/v1\/\{[^/}]+\}:export$/.test(path);

const exportOperation: ContractAudit = {
  name: 'operations.export',
  level: 'SHOULD',
  rule: 'POST /v1/{rs}:export starts an operation followed at GET /v1/operations/{id} (checked in the document, and by an unknown operation’s 404)',
  async run(context) {
    const found = await context.openApi();
    if (!found) return fail('no OpenAPI document to look for the export method in');
    const exportRoute = documentedPath(found.document, 'post', exportPath(context));
    if (!exportRoute) return fail(`${found.path} documents no POST /v1/${context.resource}:export`);
    const operationRoute = documentedPath(found.document, 'get', (path) => /^\/v1\/operations\/\{[^/}]+\}$/.test(path));
    if (!operationRoute) return fail(`${found.path} documents no GET /v1/operations/{id}`);
    const [unknown] = context.unknownIds(1, 3000);
    const mismatch = problemMismatch(await context.http.get(`/v1/operations/${unknown}`), { status: 404 });
    if (mismatch) return fail(`an unknown operation: ${mismatch}`);
    return pass(`POST ${exportRoute} and GET ${operationRoute} are documented; an unknown operation is a 404 problem+json`);
  },
};

export const OPENAPI_AUDITS: readonly ContractAudit[] = [document, docsPage, exportOperation];
