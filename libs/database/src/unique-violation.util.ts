import { ProblemCode } from '@tributary/contracts';
import { DomainException } from '@tributary/core';

/** Prisma's code for a unique constraint violation, the same from every generated client. */
const UNIQUE_VIOLATION = 'P2002';

/**
 * Runs a write that may hit a unique constraint on `field`, and turns that violation
 * into an ALREADY_EXISTS problem (409) naming the field and the value.
 */
export async function uniqueOrThrow<T>(field: string, value: unknown, what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (error) {
    if (error instanceof Error && (error as { code?: unknown }).code === UNIQUE_VIOLATION) {
      const message = `${field} ${String(value)} belongs to another ${what}`;
      throw new DomainException(ProblemCode.alreadyExists, message, [{ field, message }]);
    }
    throw error;
  }
}
