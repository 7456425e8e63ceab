import { ApiProperty } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, Max, Min } from 'class-validator';
import { IsEntityIdBatch, IsOptionalInstant, IsOptionalNotNull } from '@tributary/batch-api';
import {
  AGGREGATE_GROUPINGS,
  AGGREGATE_MEASURES,
  CONVERSION_RULE,
  CURRENCIES,
  MAX_AGGREGATE_LIMIT,
  ORDER_STATUSES,
  type AggregateGrouping,
  type AggregateMeasure,
  type AggregateOrdersRequest,
  type Conversion,
  type Currency,
  type OrderAggregateEntry,
  type OrderStatus,
  type SameFields,
} from '@tributary/contracts';

export class AggregateOrdersRequestDto implements AggregateOrdersRequest {
  @ApiProperty({ enum: AGGREGATE_GROUPINGS, description: 'customer and product groups come ranked by revenue; month groups by month.' })
  @IsIn(AGGREGATE_GROUPINGS)
  groupBy!: AggregateGrouping;

  @IsOptionalInstant('Orders placed at or after this instant.')
  placedFrom?: string;

  @IsOptionalInstant('Orders placed before this instant.')
  placedTo?: string;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus', isArray: true, required: false, description: 'Only orders in these statuses; all when absent.' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ORDER_STATUSES.length)
  @IsIn(ORDER_STATUSES, { each: true })
  statuses?: OrderStatus[];

  @IsOptionalNotNull()
  @IsEntityIdBatch({ description: 'Only orders of these customers.' })
  customerIds?: string[];

  @ApiProperty({
    enum: AGGREGATE_MEASURES,
    isArray: true,
    required: false,
    description: 'Only these measures besides revenueCents (a read mask); all when absent. Distinct counts cost a sort: ask only for what you show.',
  })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(AGGREGATE_MEASURES.length)
  @IsIn(AGGREGATE_MEASURES, { each: true })
  measures?: AggregateMeasure[];

  @ApiProperty({
    required: false,
    minimum: 1,
    maximum: MAX_AGGREGATE_LIMIT,
    description: 'At most this many groups: the top ones for customer and product, within each currency (overall when converted into `currency`).',
  })
  @IsOptionalNotNull()
  @IsInt()
  @Min(1)
  @Max(MAX_AGGREGATE_LIMIT)
  limit?: number;

  @ApiProperty({
    enum: CURRENCIES,
    required: false,
    description: `Convert every amount into this currency: ${CONVERSION_RULE}. Groups are then not split by currency. 400 when a currency lacks a rate on or before a day of the period.`,
  })
  @IsOptionalNotNull()
  @IsIn(CURRENCIES)
  currency?: Currency;
}

export class ConversionDto implements Conversion {
  @ApiProperty({ enum: CURRENCIES })
  currency!: Currency;
  @ApiProperty({ description: 'The base every rate is quoted against (units of a currency per unit of it).' })
  base!: string;
  @ApiProperty({ type: String, nullable: true, description: "Where the period's rates came from (ECB, demo); null when no rate was needed." })
  rateSource!: string | null;
}

export class OrderAggregateDto implements OrderAggregateEntry {
  @ApiProperty({ type: String, nullable: true, description: 'customerId, productId or YYYY-MM (UTC); null when grouped by none.' })
  key!: string | null;
  @ApiProperty({ enum: CURRENCIES, description: 'The orders\' currency, or the one converted into: groups never mix currencies.' })
  currency!: Currency;
  @ApiProperty({ description: 'Sum of order totals (of line amounts when grouped by product), in cents.' })
  revenueCents!: number;
  @ApiProperty({ required: false, description: 'Absent unless asked for in measures (or measures is absent); so are the others.' })
  orderCount?: number;
  @ApiProperty({ required: false, description: 'Sum of line quantities.' })
  units?: number;
  @ApiProperty({ required: false })
  customerCount?: number;
  @ApiProperty({ required: false, format: 'date-time' })
  firstPlacedAt?: string;
  @ApiProperty({ required: false, format: 'date-time' })
  lastPlacedAt?: string;
}

export class AggregateOrdersResponseDto {
  @ApiProperty({ type: [OrderAggregateDto] })
  groups!: OrderAggregateDto[];
  @ApiProperty({ type: ConversionDto, required: false, description: 'Present when the request asked for `currency`.' })
  conversion?: ConversionDto;
}

// A field added to the contract or to one of these classes alone fails `npm run check`.
const _aggregateRequestIsTheContract: SameFields<AggregateOrdersRequestDto, AggregateOrdersRequest> = true;
const _aggregateGroupIsTheContract: SameFields<OrderAggregateDto, OrderAggregateEntry> = true;
const _conversionIsTheContract: SameFields<ConversionDto, Conversion> = true;
