import { ApiProperty, PartialType } from '@nestjs/swagger';
import { IsIn, IsInt, IsNotEmpty, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsOptionalNotNull, ListQueryDto } from '@tributary/batch-api';
import { CURRENCIES, MAX_PRICE_CENTS, PRODUCT_LIMITS, type Currency, type Product, type ProductChanges, type ProductInput, type ProductsListQuery, type SameFields } from '@tributary/contracts';
import type { Product as ProductRow } from '../generated/prisma/client.js';

export class ProductDto implements Product {
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
  @ApiProperty({ enum: CURRENCIES, description: 'ISO 4217' })
  currency!: Currency;
  @ApiProperty({ format: 'date-time', description: 'Moves on every write; lists are ordered by (updatedAt, id).' })
  updatedAt!: string;
}

/** The catalog service's one mapping from its row to the published contract. */
export function toProductDto(row: ProductRow): Product {
  return { id: row.id, sku: row.sku, title: row.title, category: row.category, priceCents: row.priceCents, currency: row.currency as Currency, updatedAt: row.updatedAt.toISOString() };
}

export class CreateProductDto implements ProductInput {
  @ApiProperty({ maxLength: 64, example: 'SKU-000042', description: 'Unique across products.' })
  @Matches(PRODUCT_LIMITS.skuPattern, { message: 'sku must be 1 to 64 upper-case letters, digits and dashes' })
  sku!: string;

  @ApiProperty({ maxLength: PRODUCT_LIMITS.titleLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PRODUCT_LIMITS.titleLength)
  title!: string;

  @ApiProperty({ maxLength: PRODUCT_LIMITS.categoryLength })
  @IsString()
  @IsNotEmpty()
  @MaxLength(PRODUCT_LIMITS.categoryLength)
  category!: string;

  @ApiProperty({ minimum: 0, maximum: MAX_PRICE_CENTS })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  priceCents!: number;

  @ApiProperty({ enum: CURRENCIES })
  @IsIn(CURRENCIES)
  currency!: Currency;
}

/** Absent fields stay as they are; a null is refused like any other wrong type. */
export class UpdateProductDto extends PartialType(CreateProductDto, { skipNullProperties: false }) implements ProductChanges {}

export class ProductsListQueryDto extends ListQueryDto implements ProductsListQuery {
  @ApiProperty({ required: false, description: 'Only products of this category.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(PRODUCT_LIMITS.categoryLength)
  category?: string;
}

// A field added to the contract or to one of these classes alone fails `npm run check`.
const _productDtoIsTheContract: SameFields<ProductDto, Product> = true;
const _createProductDtoIsTheContract: SameFields<CreateProductDto, ProductInput> = true;
const _productsListQueryIsTheContract: SameFields<ProductsListQueryDto, ProductsListQuery> = true;
