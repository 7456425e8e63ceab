import { DomainException } from '@tributary/core';

/** A half-open period [from, to), as a Prisma range filter. */
export interface PeriodFilter {
  gte?: Date;
  lt?: Date;
}

/**
 * Parses an optional period of validated ISO-8601 instants; `from` is inclusive and
 * `to` exclusive, so consecutive periods neither overlap nor leave gaps.
 */
export function periodOrThrow(from: string | undefined, to: string | undefined, names: { from: string; to: string }): PeriodFilter {
  const gte = from === undefined ? undefined : new Date(from);
  const lt = to === undefined ? undefined : new Date(to);
  if (gte && lt && gte >= lt) {
    throw DomainException.invalidField(names.to, `${names.to} must be later than ${names.from}`);
  }
  return { ...(gte ? { gte } : {}), ...(lt ? { lt } : {}) };
}
