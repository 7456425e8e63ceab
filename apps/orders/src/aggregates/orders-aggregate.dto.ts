import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsEnum, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsEntityIdBatch, IsOptionalInstant } from '@tributary/batch-api';
import { OrderStatus } from '../generated/prisma/enums.js';

export const AGGREGATE_GROUPINGS = ['customer', 'product', 'month', 'none'] as const;
export type AggregateGrouping = (typeof AGGREGATE_GROUPINGS)[number];
export const MAX_AGGREGATE_LIMIT = 100_000;
/** The measures of a group besides its key, currency and revenue, which are always there. */
export const AGGREGATE_MEASURES = ['orderCount', 'units', 'customerCount', 'firstPlacedAt', 'lastPlacedAt'] as const;
export type AggregateMeasure = (typeof AGGREGATE_MEASURES)[number];

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

  @ApiProperty({
    enum: AGGREGATE_MEASURES,
    isArray: true,
    required: false,
    description: 'Only these measures besides revenueCents (a read mask); all when absent. Distinct counts cost a sort: ask only for what you show.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(AGGREGATE_MEASURES.length)
  @IsIn(AGGREGATE_MEASURES, { each: true })
  measures?: AggregateMeasure[];

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
  @ApiProperty({ required: false, description: 'Absent unless asked for in measures (or measures is absent); so are the others.' })
  orderCount?: number;
  @ApiProperty({ required: false, description: 'Sum of line quantities.' })
  units?: number;
  @ApiProperty({ required: false })
  customerCount?: number;
  @ApiProperty({ required: false })
  firstPlacedAt?: Date;
  @ApiProperty({ required: false })
  lastPlacedAt?: Date;
}

export class AggregateOrdersResponseDto {
  @ApiProperty({ type: [OrderAggregateDto] })
  groups!: OrderAggregateDto[];
}
