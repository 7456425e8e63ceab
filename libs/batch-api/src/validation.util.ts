import { ValidationPipe, type ValidationError } from '@nestjs/common';
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

/**
 * The one validation pipe of every service: unknown fields are refused (not silently
 * dropped), strings are turned into the declared types, and a failure is an
 * INVALID_ARGUMENT problem that names every bad field.
 */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => DomainException.invalidArgument(toFieldViolations(errors)),
  });
}
