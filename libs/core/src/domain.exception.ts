import { ProblemCode, type FieldViolation } from '@tributary/contracts';

/**
 * What services and the gateway throw when a request cannot be served as asked. Each
 * transport maps the code to its own form (the problem+json filter to an HTTP status,
 * the gateway to a GraphQL error code); no service chooses HTTP statuses itself.
 */
export class DomainException extends Error {
  constructor(
    readonly code: ProblemCode,
    message: string,
    readonly violations: readonly FieldViolation[] = [],
  ) {
    super(message);
    this.name = 'DomainException';
  }

  static invalidArgument(violations: readonly FieldViolation[]): DomainException {
    return new DomainException(ProblemCode.invalidArgument, violations.map((v) => v.message).join('; '), violations);
  }

  /** One field refused: `DomainException.invalidField('to', 'to must be later than from')`. */
  static invalidField(field: string, message: string): DomainException {
    return DomainException.invalidArgument([{ field, message }]);
  }

  static notFound(what: string, id: string): DomainException {
    return new DomainException(ProblemCode.notFound, `${what} ${id} does not exist`);
  }
}
