import { ApiProperty, PartialType, PickType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsIn, IsInt, IsOptional, Max, Min, ValidateNested } from 'class-validator';
import { IsEntityId, IsEntityIdBatch, IsOptionalInstant, ListQueryDto } from '@tributary/batch-api';
import { OrderStatus } from '../generated/prisma/enums.js';

export const MAX_LINES_PER_ORDER = 100;

export class OrderLineDto {
  @ApiProperty({ description: 'Position of the line in its order, from 1.' })
  lineNo!: number;
  @ApiProperty()
  productId!: string;
  @ApiProperty({ minimum: 1 })
  quantity!: number;
  @ApiProperty({ description: 'Price of one unit in minor units (cents) of the order currency.' })
  unitPriceCents!: number;
}

export class OrderDto {
  @ApiProperty({ example: '019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b' })
  id!: string;
  @ApiProperty()
  customerId!: string;
  @ApiProperty()
  placedAt!: Date;
  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus' })
  status!: OrderStatus;
  @ApiProperty({ description: 'ISO 4217', example: 'EUR' })
  currency!: string;
  @ApiProperty({ description: 'Sum of quantity × unitPriceCents over the lines.' })
  totalCents!: number;
  @ApiProperty({ description: 'Sum of the quantities of the lines.' })
  units!: number;
  @ApiProperty({ description: 'Moves on every write; lists are ordered by (updatedAt, id).' })
  updatedAt!: Date;
  @ApiProperty({ type: [OrderLineDto] })
  lines!: OrderLineDto[];
}

export class CreateOrderLineDto {
  @IsEntityId()
  productId!: string;

  @ApiProperty({ minimum: 1, maximum: 10_000 })
  @IsInt()
  @Min(1)
  @Max(10_000)
  quantity!: number;

  @ApiProperty({ minimum: 0, maximum: 100_000_000 })
  @IsInt()
  @Min(0)
  @Max(100_000_000)
  unitPriceCents!: number;
}

export class CreateOrderDto {
  @IsEntityId()
  customerId!: string;

  @IsOptionalInstant('When the order was placed; now when absent.')
  placedAt?: string;

  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', required: false, default: OrderStatus.PLACED })
  @IsOptional()
  @IsEnum(OrderStatus)
  status?: OrderStatus;

  @ApiProperty({ enum: ['EUR', 'GBP', 'USD'] })
  @IsIn(['EUR', 'GBP', 'USD'])
  currency!: string;

  @ApiProperty({ type: [CreateOrderLineDto], minItems: 1, maxItems: MAX_LINES_PER_ORDER })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_LINES_PER_ORDER)
  @ValidateNested({ each: true })
  @Type(() => CreateOrderLineDto)
  lines!: CreateOrderLineDto[];
}

/** Orders are immutable once placed but for their status. */
export class UpdateOrderDto extends PartialType(PickType(CreateOrderDto, ['status'] as const)) {}

export class OrdersListQueryDto extends ListQueryDto {
  @IsOptional()
  @IsEntityId({ description: 'Only orders of this customer.' })
  customerId?: string;

  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', required: false, description: 'Only orders in this status.' })
  @IsOptional()
  @IsEnum(OrderStatus)
  status?: OrderStatus;

  @IsOptionalInstant('Only orders placed at or after this instant.')
  placedFrom?: string;

  @IsOptionalInstant('Only orders placed before this instant.')
  placedTo?: string;
}

export class BatchGetByCustomerRequestDto {
  @IsEntityIdBatch({ description: 'One result per customer id, in this order.' })
  customerIds!: string[];

  @IsOptionalInstant('Only orders placed at or after this instant.')
  placedFrom?: string;

  @IsOptionalInstant('Only orders placed before this instant.')
  placedTo?: string;
}

export class CustomerOrdersDto {
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ type: [OrderDto], description: 'Oldest first; empty when the customer has none in the period.' })
  orders!: OrderDto[];
}

export class BatchGetByCustomerResponseDto {
  @ApiProperty({ type: [CustomerOrdersDto] })
  results!: CustomerOrdersDto[];
}
