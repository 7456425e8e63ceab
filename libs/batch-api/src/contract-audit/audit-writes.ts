import type { AuditContext, OpenApiDocument, OpenApiSchema } from './audit-context.js';
import { describeResponse } from './audit-http.js';

/** A row the audit wrote, as the service answered it. */
export interface WrittenRow {
  id: string;
  updatedAt: string;
  version: number;
}

/** Why the audit could not write; the write audits fail with it. */
export class AuditWriteError extends Error {}

function resolve(document: OpenApiDocument, schema: OpenApiSchema | undefined, depth = 0): OpenApiSchema | undefined {
  if (!schema || depth > 16) return schema;
  if (schema.$ref) return resolve(document, document.components?.schemas?.[schema.$ref.replace('#/components/schemas/', '')], depth + 1);
  if (schema.allOf) {
    const { allOf, ...own } = schema;
    const parts = [...allOf.map((part) => resolve(document, part, depth + 1) ?? {}), own];
    const merged: OpenApiSchema = Object.assign({}, ...parts);
    if (parts.some((part) => part.properties)) merged.properties = Object.assign({}, ...parts.map((part) => part.properties ?? {}));
    if (parts.some((part) => part.required)) merged.required = [...new Set(parts.flatMap((part) => part.required ?? []))];
    return merged;
  }
  return schema;
}

function requestSchema(document: OpenApiDocument, path: string, method: string): OpenApiSchema | undefined {
  const content = document.paths?.[path]?.[method]?.requestBody?.content ?? {};
  return resolve(document, (content['application/json'] ?? Object.values(content)[0])?.schema);
}

/** A value the schema takes, for a required field the sample row lacks. */
function invent(document: OpenApiDocument, schema: OpenApiSchema | undefined): unknown {
  const resolved = resolve(document, schema) ?? {};
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.default !== undefined) return resolved.default;
  if (resolved.enum?.length) return resolved.enum[0];
  if (resolved.properties) return project(document, {}, resolved);
  switch (resolved.type) {
    case 'integer':
    case 'number':
      return resolved.minimum ?? 1;
    case 'boolean':
      return false;
    case 'array':
      return [invent(document, resolved.items)];
    default:
      return resolved.format === 'date-time' ? new Date().toISOString() : 'contract audit';
  }
}

/** The parts of `value` the schema declares (a service that refuses unknown fields takes it), nested included. */
function project(document: OpenApiDocument, value: unknown, schema: OpenApiSchema | undefined): unknown {
  const resolved = resolve(document, schema);
  if (!resolved) return value;
  if (resolved.properties) {
    const source = value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
    const result: Record<string, unknown> = {};
    for (const [key, property] of Object.entries(resolved.properties)) {
      if (resolve(document, property)?.readOnly) continue;
      if (source[key] !== undefined) result[key] = project(document, source[key], property);
      else if (resolved.required?.includes(key)) result[key] = invent(document, property);
    }
    return result;
  }
  if (resolved.type === 'array' && Array.isArray(value)) return value.map((item) => project(document, item, resolved.items));
  return value;
}

/**
 * Fields that must differ from every other row's: e-mail addresses, and those the
 * document calls unique. Each gets a suffix of this run and write, in the case of the
 * original (an upper-case SKU stays upper-case).
 */
function madeUnique(document: OpenApiDocument, body: Record<string, unknown>, schema: OpenApiSchema, suffix: string): Record<string, unknown> {
  const result = { ...body };
  for (const [key, property] of Object.entries(schema.properties ?? {})) {
    const resolved = resolve(document, property) ?? {};
    const value = result[key];
    if (typeof value !== 'string') continue;
    if (resolved.format === 'email' || /^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(value)) result[key] = `contract-audit-${suffix}@example.com`;
    else if (/unique/i.test(resolved.description ?? '')) {
      const tail = `-${value === value.toUpperCase() ? suffix.toUpperCase() : suffix}`;
      result[key] = `${value.slice(0, Math.max(0, (resolved.maxLength ?? 64) - tail.length))}${tail}`;
    }
  }
  return result;
}

function writtenRow(context: AuditContext, body: unknown, what: string): WrittenRow {
  const row = body as { id?: unknown; updatedAt?: unknown } | undefined;
  const version = typeof row?.updatedAt === 'string' ? Date.parse(row.updatedAt) : Number.NaN;
  if (typeof row?.id !== 'string' || Number.isNaN(version)) throw new AuditWriteError(`${what} answered no ${context.resourceKey} with id and updatedAt`);
  return { id: row.id, updatedAt: row.updatedAt as string, version };
}

/** Creates and changes rows of the audit's own, through the service's documented write methods. */
export class AuditWriter {
  constructor(private readonly context: AuditContext) {}

  /**
   * POST /v1/{rs}, with the given body or one made from an existing row and the OpenAPI
   * document; either way, fields that must be unique get a suffix of this write.
   */
  async create(): Promise<WrittenRow> {
    const { context } = this;
    const body = await this.createBody();
    const response = await context.http.post(context.listPath, body);
    if (response.status !== 200 && response.status !== 201) {
      throw new AuditWriteError(`could not create a row: ${describeResponse(response)}${context.options.createBody ? '' : '; give a body with --create-body <file>'}`);
    }
    return writtenRow(context, response.json, `POST ${context.listPath}`);
  }

  /** PATCH /v1/{rs}/{id} with the row's own values (as a page gave it), where the document has such a method; undefined where not. */
  async touch(row: { id: string; raw: Record<string, unknown> }): Promise<WrittenRow | undefined> {
    const { context } = this;
    const found = await context.openApi();
    const schema = found && requestSchema(found.document, `${context.listPath}/{id}`, 'patch');
    if (!found || !schema) return undefined;
    const response = await context.http.patch(`${context.listPath}/${encodeURIComponent(row.id)}`, project(found.document, row.raw, schema));
    if (response.status !== 200) throw new AuditWriteError(`could not change ${row.id} with its own values: ${describeResponse(response)}`);
    return writtenRow(context, response.json, `PATCH ${context.listPath}/{id}`);
  }

  private async createBody(): Promise<Record<string, unknown>> {
    const { context } = this;
    const found = await context.openApi();
    const schema = found && requestSchema(found.document, context.listPath, 'post');
    const given = context.options.createBody;
    if (!found || !schema?.properties) {
      if (given) return given;
      throw new AuditWriteError(`the OpenAPI document describes no body for POST ${context.listPath}: give one with --create-body <file>`);
    }
    const body = given ?? (project(found.document, (await context.fullWalk()).rows[0]?.raw ?? {}, schema) as Record<string, unknown>);
    return madeUnique(found.document, body, schema, `${context.runTag}-${context.nextWriteNumber()}`);
  }
}
