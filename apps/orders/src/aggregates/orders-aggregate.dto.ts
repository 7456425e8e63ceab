import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsEntityIdBatch, IsOptionalInstant } from '@tributary/batch-api';
import { OrderStatus } from '../generated/prisma/enums.js';

export const AGGREGATE_GROUPINGS = ['customer', 'product', 'month', 'none'] as const;
export type AggregateGrouping = (typeof AGGREGATE_GROUPINGS)[number];
export const MAX_AGGREGATE_LIMIT = 100_000;

export class AggregateOrdersRequestDto {
  @ApiProperty({ enum: AGGREGATE_GROUPINGS, description: 'customer and product groups come ranked by revenue; month groups by month.' })
  @IsIn(AGGREGATE_GROUPINGS)
  groupBy!: AggregateGrouping;

  @IsOptionalInstant('Orders placed at or after this instant.')
  placedFrom?: string;

  @IsOptionalInstant('Orders placed before this instant.')
  placedTo?: string;

  @ApiProperty({ enum: OrderStatus, enumName: 'OrderStatus', isArray: true, required: false, description: 'Only orders in these statuses; all when absent.' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(4)
  @IsEnum(OrderStatus, { each: true })
  statuses?: OrderStatus[];

  @IsOptional()
  @IsEntityIdBatch({ description: 'Only orders of these customers.' })
  customerIds?: string[];

  @ApiProperty({ required: false, minimum: 1, maximum: MAX_AGGREGATE_LIMIT, description: 'At most this many groups (the top ones for customer and product).' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_AGGREGATE_LIMIT)
  limit?: number;
}

export class OrderAggregateDto {
  @ApiProperty({ nullable: true, description: 'customerId, productId or YYYY-MM (UTC); null when grouped by none.' })
  key!: string | null;
  @ApiProperty({ description: 'Groups never mix currencies.' })
  currency!: string;
  @ApiProperty({ description: 'Sum of order totals (of line amounts when grouped by product), in cents.' })
  revenueCents!: number;
  @ApiProperty()
  orderCount!: number;
  @ApiProperty({ description: 'Sum of line quantities.' })
  units!: number;
  @ApiProperty()
  customerCount!: number;
  @ApiProperty()
  firstPlacedAt!: Date;
  @ApiProperty()
  lastPlacedAt!: Date;
}

export class AggregateOrdersResponseDto {
  @ApiProperty({ type: [OrderAggregateDto] })
  groups!: OrderAggregateDto[];
}
