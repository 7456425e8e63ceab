import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import type { FieldViolation } from '@tributary/contracts';
import { DomainException } from '@tributary/core';

/** Flattens class-validator's tree into one violation per constraint, with dotted paths. */
export function toFieldViolations(errors: readonly ValidationError[], parent = ''): FieldViolation[] {
  return errors.flatMap((error) => {
    const field = parent ? (/^\d+$/.test(error.property) ? `${parent}[${error.property}]` : `${parent}.${error.property}`) : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: message.replace(error.property, field) }));
    return [...own, ...toFieldViolations(error.children ?? [], field)];
  });
}

/** No request of the contract nests deeper; deeper input would only exhaust the validators' stack. */
export const MAX_INPUT_DEPTH = 16;

const child = (parent: string, key: string | number) => (typeof key === 'number' ? `${parent}[${key}]` : parent ? `${parent}.${key}` : key);

/** With the u flag a surrogate pair is one code point: only a lone surrogate matches. */
const LONE_SURROGATE = /[\uD800-\uDFFF]/u;

/** Why a string cannot be stored as text: the NUL character, or a lone UTF-16 surrogate (JSON's "\ud800"), which has no UTF-8 form. */
function unstorableText(text: string): string | undefined {
  if (text.includes('\u0000')) return 'must not contain the NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'must be well-formed Unicode: a lone surrogate (such as \\ud800) has no UTF-8 form';
  return undefined;
}

/**
 * What class-validator cannot see and PostgreSQL cannot take: the NUL character and lone
 * surrogates, which no text column stores (the driver's error would be a 500), anywhere
 * in the input, keys included; and nesting deeper than any request of the contract.
 */
export function unstorableInput(value: unknown, field: string, depth = 0): FieldViolation | undefined {
  if (typeof value === 'string') {
    const problem = unstorableText(value);
    return problem ? { field: field || 'body', message: `${field || 'body'} ${problem}` } : undefined;
  }
  if (value === null || typeof value !== 'object') return undefined;
  if (depth >= MAX_INPUT_DEPTH) return { field: field || 'body', message: `${field || 'body'} nests deeper than ${MAX_INPUT_DEPTH} levels` };
  const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  for (const [key, item] of entries) {
    const path = child(field, key);
    const keyProblem = typeof key === 'string' ? unstorableText(key) : undefined;
    if (keyProblem) return { field: field || 'body', message: `${field || 'body'} has a key that ${keyProblem}` };
    const found = unstorableInput(item, path, depth + 1);
    if (found) return found;
  }
  return undefined;
}

class ContractValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    // What a client sent (body, query, route parameters, GraphQL arguments), not what
    // the framework passes (GraphQL's info, context): those are 'custom'.
    if (metadata.type !== 'custom') {
      // A body's or query's fields are named by their own path; a route parameter by its name.
      const unstorable = unstorableInput(value, metadata.data ?? '');
      if (unstorable) throw DomainException.invalidArgument([unstorable]);
    }
    return super.transform(value, metadata);
  }
}

/**
 * The one validation pipe of every service: unknown fields are refused (not silently
 * dropped), strings are turned into the declared types, what no column can store is
 * refused first, and a failure is an INVALID_ARGUMENT problem that names every bad field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ContractValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => DomainException.invalidArgument(toFieldViolations(errors)),
  });
}
