/** The domain error codes every transport knows how to render. */
export const ProblemCode = {
  invalidArgument: 'INVALID_ARGUMENT',
  invalidPageToken: 'INVALID_PAGE_TOKEN',
  notFound: 'NOT_FOUND',
  alreadyExists: 'ALREADY_EXISTS',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

/** One invalid input, named so that a client can point at it. */
export interface FieldViolation {
  field: string;
  message: string;
}

/**
 * What services throw. Transports (the problem+json filter, later GraphQL) map the
 * code to their own status; services never choose HTTP statuses themselves.
 */
export class ProblemException extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly violations: readonly FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'ProblemException';
  }

  static invalidArgument(violations: readonly FieldViolation[]): ProblemException {
    const detail = violations.map((v) => v.message).join('; ');
    return new ProblemException(ProblemCode.invalidArgument, detail, violations);
  }

  static notFound(what: string, id: string): ProblemException {
    return new ProblemException(ProblemCode.notFound, `${what} ${id} does not exist`);
  }
}
