import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { ListQueryDto } from '@tributary/batch-api';

export class ProductDto {
  @ApiProperty({ example: '019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b' })
  id!: string;
  @ApiProperty({ example: 'SKU-000042' })
  sku!: string;
  @ApiProperty({ example: 'Portable Kettle 42' })
  title!: string;
  @ApiProperty({ example: 'Kitchen' })
  category!: string;
  @ApiProperty({ description: 'Price in minor units (cents) of currency.', example: 2999 })
  priceCents!: number;
  @ApiProperty({ description: 'ISO 4217', example: 'EUR' })
  currency!: string;
  @ApiProperty({ description: 'Moves on every write; lists are ordered by (updatedAt, id).' })
  updatedAt!: Date;
}

export class CreateProductDto {
  @ApiProperty({ maxLength: 64, example: 'SKU-000042', description: 'Unique across products.' })
  @Matches(/^[A-Z0-9][A-Z0-9-]{0,63}$/, { message: 'sku must be 1 to 64 upper-case letters, digits and dashes' })
  sku!: string;

  @ApiProperty({ maxLength: 200 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  title!: string;

  @ApiProperty({ maxLength: 100 })
  @IsString()
  @IsNotEmpty()
  @MaxLength(100)
  category!: string;

  @ApiProperty({ minimum: 0, maximum: 100_000_000 })
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  priceCents!: number;

  @ApiProperty({ enum: ['EUR', 'GBP', 'USD'] })
  @IsIn(['EUR', 'GBP', 'USD'])
  currency!: string;
}

export class UpdateProductDto extends PartialType(CreateProductDto) {}

export class ProductsListQueryDto extends ListQueryDto {
  @ApiProperty({ required: false, description: 'Only products of this category.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  category?: string;
}
