import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import { IsEntityId, IsOrderLines, QuantityLineDto } from '@tributary/batch-api';
import {
  CURRENCIES,
  PLACEMENT_LIMITS,
  PLACEMENT_STATES,
  PlacementReason,
  type Currency,
  type OrderPlacement,
  type OrderPlacementRequest,
  type SameFields,
} from '@tributary/contracts';

export class OrderPlacementRequestDto implements OrderPlacementRequest {
  @ApiProperty({
    maxLength: PLACEMENT_LIMITS.idempotencyKeyLength,
    pattern: PLACEMENT_LIMITS.idempotencyKeyPattern.source,
    example: 'checkout-7f3a91',
    description: "The client's key for this order: sending the same request again returns the same placement, never a second order.",
  })
  @IsString()
  @MaxLength(PLACEMENT_LIMITS.idempotencyKeyLength)
  @Matches(PLACEMENT_LIMITS.idempotencyKeyPattern, { message: 'idempotencyKey must be 1 to 128 letters, digits, dots, colons, dashes or underscores' })
  idempotencyKey!: string;

  @IsEntityId()
  customerId!: string;

  @ApiProperty({ enum: CURRENCIES, description: 'The currency of the order: its products must be priced in it.' })
  @IsIn(CURRENCIES)
  currency!: Currency;

  @IsOrderLines(() => QuantityLineDto, { description: 'Products and quantities; prices come from the catalog.' })
  lines!: QuantityLineDto[];
}

class PlacementLineStateDto extends QuantityLineDto {
  @ApiProperty({ required: false, description: "The catalog's price of one unit, once the placement priced the line." })
  unitPriceCents?: number;
}

export class OrderPlacementDto implements OrderPlacement {
  @ApiProperty({ format: 'uuid' })
  id!: string;
  @ApiProperty()
  idempotencyKey!: string;
  @ApiProperty({ enum: PLACEMENT_STATES, enumName: 'PlacementState' })
  state!: OrderPlacement['state'];
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ enum: CURRENCIES })
  currency!: Currency;
  @ApiProperty({ type: [PlacementLineStateDto] })
  lines!: PlacementLineStateDto[];
  @ApiProperty({ required: false })
  totalCents?: number;
  @ApiProperty({ required: false, description: 'The order: PENDING from CUSTOMER_CHECKED on, PLACED once CONFIRMED, CANCELLED if compensated.' })
  orderId?: string;
  @ApiProperty({ enum: Object.values(PlacementReason), enumName: 'PlacementReason', required: false })
  reason?: PlacementReason;
  @ApiProperty({ required: false })
  reasonDetail?: string;
  @ApiProperty({ description: 'Step attempts that failed for a transient reason and were retried.' })
  retries!: number;
  @ApiProperty({ required: false, description: 'The last transient failure, while the placement retries.' })
  lastError?: string;
  @ApiProperty({ format: 'date-time' })
  deadline!: string;
  @ApiProperty({ format: 'date-time' })
  createdAt!: string;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class PlacementWaitQueryDto {
  @ApiProperty({ required: false, minimum: 0, maximum: 30, description: 'Wait up to this many seconds for the placement to end (CONFIRMED, REJECTED or FAILED) before answering.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(30)
  waitSeconds?: number;
}

const _requestIsTheContract: SameFields<OrderPlacementRequestDto, OrderPlacementRequest> = true;
const _placementIsTheContract: SameFields<OrderPlacementDto, OrderPlacement> = true;
