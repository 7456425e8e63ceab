/**
 * The `code` of every problem+json document a service sends (RFC 9457): what a client
 * switches on. A transport maps each to its own status; callers map them back.
 */
export const ProblemCode = {
  invalidArgument: 'INVALID_ARGUMENT',
  invalidPageToken: 'INVALID_PAGE_TOKEN',
  payloadTooLarge: 'PAYLOAD_TOO_LARGE',
  notFound: 'NOT_FOUND',
  alreadyExists: 'ALREADY_EXISTS',
  /** The resource is in a state that does not allow the request (releasing a committed reservation). */
  failedPrecondition: 'FAILED_PRECONDITION',
  /** The reporting store lags more than the caller accepts. */
  staleData: 'STALE_DATA',
  internal: 'INTERNAL',
  /** The call carries no service credential where one is required (production), or one that is not valid. */
  unauthenticated: 'UNAUTHENTICATED',
} as const;
export type ProblemCode = (typeof ProblemCode)[keyof typeof ProblemCode];

const PROBLEM_CODES: ReadonlySet<string> = new Set(Object.values(ProblemCode));

/** The code of a problem document, or undefined when it is not one this contract knows (a newer service). */
export function problemCodeOf(value: unknown): ProblemCode | undefined {
  return typeof value === 'string' && PROBLEM_CODES.has(value) ? (value as ProblemCode) : undefined;
}

/** One invalid input, named so that a client can point at it. */
export interface FieldViolation {
  field: string;
  message: string;
}

/** An RFC 9457 problem document, with our `code` and the invalid fields. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
  code: ProblemCode;
  errors?: readonly FieldViolation[];
}
