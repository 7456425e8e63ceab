import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsEmail, IsISO31661Alpha2, IsNotEmpty, IsString, MaxLength } from 'class-validator';
import { CUSTOMER_LIMITS, type Customer, type CustomerChanges, type CustomerInput, type SameFields } from '@tributary/contracts';
import type { Customer as CustomerRow } from '../generated/prisma/client.js';

export class CustomerDto implements Customer {
  @ApiProperty({ example: '019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b' })
  id!: string;
  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;
  @ApiProperty({ example: 'ada@example.com' })
  email!: string;
  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'GB' })
  country!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time', description: 'Moves on every write; lists are ordered by (updatedAt, id).' })
  updatedAt!: string;
}

/** The customers service's one mapping from its row to the published contract. */
export function toCustomerDto(row: CustomerRow): Customer {
  return { id: row.id, name: row.name, email: row.email, country: row.country, createdAt: row.createdAt.toISOString(), updatedAt: row.updatedAt.toISOString() };
}

export class CreateCustomerDto implements CustomerInput {
  @ApiProperty({ maxLength: CUSTOMER_LIMITS.nameLength, example: 'Ada Lovelace' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(CUSTOMER_LIMITS.nameLength)
  name!: string;

  @ApiProperty({ maxLength: CUSTOMER_LIMITS.emailLength, example: 'ada@example.com', description: 'Unique across customers.' })
  @IsEmail()
  @MaxLength(CUSTOMER_LIMITS.emailLength)
  email!: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'GB' })
  @IsISO31661Alpha2()
  country!: string;
}

/** Absent fields stay as they are; a null is refused like any other wrong type. */
export class UpdateCustomerDto extends PartialType(CreateCustomerDto, { skipNullProperties: false }) implements CustomerChanges {}

// A field added to the contract or to one of these classes alone fails `npm run check`.
const _customerDtoIsTheContract: SameFields<CustomerDto, Customer> = true;
const _createCustomerDtoIsTheContract: SameFields<CreateCustomerDto, CustomerInput> = true;
