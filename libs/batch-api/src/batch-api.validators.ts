import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsISO8601, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, ValidateBy, ValidateIf, ValidateNested } from 'class-validator';
import { MAX_BATCH_SIZE, MAX_ID_LENGTH, ORDER_LIMITS, type QuantityLine } from '@tributary/contracts';

/** One entity id: a non-empty string of at most MAX_ID_LENGTH characters. */
export function IsEntityId(options: { description?: string } = {}) {
  return applyDecorators(
    ApiProperty({ type: String, maxLength: MAX_ID_LENGTH, example: '019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b', ...options }),
    IsString(),
    IsNotEmpty(),
    MaxLength(MAX_ID_LENGTH),
  );
}

/** A list of 1..MAX_BATCH_SIZE entity ids, as every batch method takes. */
export function IsEntityIdBatch(options: { description?: string } = {}) {
  return applyDecorators(
    ApiProperty({ type: [String], minItems: 1, maxItems: MAX_BATCH_SIZE, ...options }),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(MAX_BATCH_SIZE),
    IsString({ each: true }),
    IsNotEmpty({ each: true }),
    MaxLength(MAX_ID_LENGTH, { each: true }),
  );
}

/**
 * A field that may be absent, but not null: unlike class-validator's IsOptional, a null
 * is checked like any other value and refused by the field's own rules. In a PATCH a
 * null would otherwise reach the database as "set this column to null".
 */
export function IsOptionalNotNull() {
  return ValidateIf((_object, value) => value !== undefined);
}

/** The years an instant may fall in: what every database column and JSON client takes. */
export const INSTANT_YEARS = { min: 1, max: 9999 } as const;

/** An optional ISO-8601 instant, e.g. 2026-01-31T00:00:00Z, from year 1 to 9999. Kept a string; services parse it. */
export function IsOptionalInstant(description: string) {
  return applyDecorators(
    ApiProperty({ type: String, format: 'date-time', required: false, description }),
    IsOptionalNotNull(),
    IsISO8601({ strict: true, strictSeparator: true }, { message: '$property must be an ISO-8601 date-time such as 2026-01-31T00:00:00Z' }),
    ValidateBy({
      name: 'isInstantInRange',
      validator: {
        validate: (value) => typeof value !== 'string' || isInYears(value),
        defaultMessage: () => `$property must be an instant from year ${INSTANT_YEARS.min} to ${INSTANT_YEARS.max}`,
      },
    }),
  );
}

function isInYears(value: string): boolean {
  const year = new Date(value).getUTCFullYear();
  return Number.isNaN(year) || (year >= INSTANT_YEARS.min && year <= INSTANT_YEARS.max);
}

/** An optional non-negative integer read from a query string. */
export function IsOptionalCount(options: { description: string; default?: number; maximum?: number }) {
  return applyDecorators(
    ApiProperty({ type: Number, required: false, minimum: 0, ...options }),
    IsOptionalNotNull(),
    Type(() => Number),
    IsInt({ message: '$property must be an integer' }),
    Min(0),
  );
}

/** The lines of an order, or of what is reserved or placed for one: 1 to ORDER_LIMITS.linesPerOrder, each validated as `line`. */
export function IsOrderLines(line: () => new () => object, options: { description?: string } = {}) {
  return applyDecorators(
    ApiProperty({ type: () => [line()], minItems: 1, maxItems: ORDER_LIMITS.linesPerOrder, ...options }),
    IsArray(),
    ArrayMinSize(1),
    ArrayMaxSize(ORDER_LIMITS.linesPerOrder),
    ValidateNested({ each: true }),
    Type(line),
  );
}

/** A product and a quantity of it, within the order limits: a line to reserve or to place, and the start of an order's line. */
export class QuantityLineDto implements QuantityLine {
  @IsEntityId()
  productId!: string;

  @ApiProperty({ minimum: 1, maximum: ORDER_LIMITS.quantity })
  @IsInt()
  @Min(1)
  @Max(ORDER_LIMITS.quantity)
  quantity!: number;
}
