import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { IsEntityId, IsEntityIdBatch, IsOrderLines, QuantityLineDto } from '@tributary/batch-api';
import {
  RESERVATION_STATES,
  ReservationRefusal,
  type SameFields,
  type StockCount,
  type StockLevel,
  type StockReservation,
  type StockReservationRequest,
} from '@tributary/contracts';

/** Stock counts stay below 2^31 (an int column) with room for every reservation to come back. */
export const MAX_STOCK_ON_HAND = 1_000_000_000;

export class StockReservationRequestDto implements StockReservationRequest {
  @IsEntityId({ description: "The caller's id for this reservation: repeating the request with it returns the first answer." })
  reservationId!: string;

  @IsOrderLines(() => QuantityLineDto)
  lines!: QuantityLineDto[];
}

class ReservationRefusalDto {
  @ApiProperty({ enum: Object.values(ReservationRefusal), enumName: 'ReservationRefusal' })
  reason!: ReservationRefusal;
  @ApiProperty({ type: [String], description: 'The products that caused the refusal.' })
  productIds!: string[];
}

export class StockReservationDto implements StockReservation {
  @ApiProperty()
  id!: string;
  @ApiProperty({ enum: RESERVATION_STATES, enumName: 'ReservationState' })
  state!: StockReservation['state'];
  @ApiProperty({ type: [QuantityLineDto] })
  lines!: QuantityLineDto[];
  @ApiProperty({ type: ReservationRefusalDto, required: false })
  refusal?: ReservationRefusalDto;
  @ApiProperty({ format: 'date-time' })
  updatedAt!: string;
}

export class StockLevelDto implements StockLevel {
  @ApiProperty()
  productId!: string;
  @ApiProperty({ description: 'Units free to reserve; never negative.' })
  stockOnHand!: number;
  @ApiProperty({ description: 'Units held by reservations not yet committed or released.' })
  reserved!: number;
  @ApiProperty({ description: 'Units of committed reservations: sold.' })
  committed!: number;
}

export class StockCountDto implements StockCount {
  @ApiProperty({ minimum: 0, maximum: MAX_STOCK_ON_HAND })
  @IsInt()
  @Min(0)
  @Max(MAX_STOCK_ON_HAND)
  stockOnHand!: number;
}

export class StockLevelsBatchGetDto {
  @IsEntityIdBatch({ description: 'Product ids: one result per id, in this order.' })
  ids!: string[];
}

const _requestIsTheContract: SameFields<StockReservationRequestDto, StockReservationRequest> = true;
const _reservationIsTheContract: SameFields<StockReservationDto, StockReservation> = true;
const _levelIsTheContract: SameFields<StockLevelDto, StockLevel> = true;
const _countIsTheContract: SameFields<StockCountDto, StockCount> = true;
