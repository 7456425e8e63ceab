import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsEmail, IsISO31661Alpha2, IsNotEmpty, IsString, MaxLength } from 'class-validator';

export class CustomerDto {
  @ApiProperty({ example: '019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b' })
  id!: string;
  @ApiProperty({ example: 'Ada Lovelace' })
  name!: string;
  @ApiProperty({ example: 'ada@example.com' })
  email!: string;
  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'GB' })
  country!: string;
  @ApiProperty()
  createdAt!: Date;
  @ApiProperty({ description: 'Moves on every write; lists are ordered by (updatedAt, id).' })
  updatedAt!: Date;
}

export class CreateCustomerDto {
  @ApiProperty({ maxLength: 200, example: 'Ada Lovelace' })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  name!: string;

  @ApiProperty({ maxLength: 320, example: 'ada@example.com', description: 'Unique across customers.' })
  @IsEmail()
  @MaxLength(320)
  email!: string;

  @ApiProperty({ description: 'ISO 3166-1 alpha-2', example: 'GB' })
  @IsISO31661Alpha2()
  country!: string;
}

export class UpdateCustomerDto extends PartialType(CreateCustomerDto) {}
