import { MAX_READ_MASK_LENGTH } from '@tributary/contracts';
import { DomainException } from '@tributary/core';

/**
 * The fields of a resource a read mask may name: each top-level field, and for a list
 * of objects of its own (an order's lines) the fields of those objects.
 */
export type MaskableFields = Readonly<Record<string, true | readonly string[]>>;

/** The fields a caller asked for: every one of a field's own when its value is `true`. */
export type ReadMask = ReadonlyMap<string, true | ReadonlySet<string>>;

const describeFields = (fields: MaskableFields) =>
  Object.entries(fields)
    .flatMap(([name, nested]) => (nested === true ? [name] : [name, ...nested.map((field) => `${name}.${field}`)]))
    .join(', ');

/**
 * Parses an AIP-157 read mask, `id,placedAt,lines.quantity`: undefined (every field)
 * when absent, empty or `*`. A field the resource does not have is a 400 naming
 * `field` and every field it does have.
 */
export function readMaskOrThrow(text: string | undefined, fields: MaskableFields, resource: string, field = 'readMask'): ReadMask | undefined {
  if (text === undefined || text.trim() === '' || text.trim() === '*') return undefined;
  if (text.length > MAX_READ_MASK_LENGTH) throw DomainException.invalidField(field, `${field} must be at most ${MAX_READ_MASK_LENGTH} characters`);
  const mask = new Map<string, true | Set<string>>();
  for (const path of text.split(',').map((part) => part.trim())) {
    const [name, child, ...rest] = path.split('.');
    const known = name === undefined ? undefined : fields[name];
    const unknown = () => DomainException.invalidField(field, `${field} names ${JSON.stringify(path)}, which is not a field of ${resource}; its fields are ${describeFields(fields)}`);
    if (!name || known === undefined || rest.length > 0) throw unknown();
    if (child === undefined) {
      mask.set(name, true);
      continue;
    }
    if (known === true || !known.includes(child)) throw unknown();
    const chosen = mask.get(name);
    if (chosen === true) continue;
    mask.set(name, (chosen ?? new Set<string>()).add(child));
  }
  return mask;
}

/** The canonical text of a mask: one key for equal masks, in the resource's own field order. */
export function readMaskKey(mask: ReadMask | undefined, fields: MaskableFields): string {
  if (!mask) return '*';
  return Object.entries(fields)
    .flatMap(([name, nested]) => {
      const chosen = mask.get(name);
      if (chosen === undefined) return [];
      if (chosen === true || nested === true) return [name];
      return nested.filter((field) => chosen.has(field)).map((field) => `${name}.${field}`);
    })
    .join(',');
}
