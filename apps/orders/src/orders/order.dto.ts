import { ApiProperty, PartialType, PickType } from '@nestjs/swagger';
import { IsIn, IsInt, Max, Min } from 'class-validator';
import { IsEntityId, IsEntityIdBatch, IsOptionalInstant, IsOptionalNotNull, IsOrderLines, ListQueryDto, QuantityLineDto } from '@tributary/batch-api';
import {
  CURRENCIES,
  MAX_PRICE_CENTS,
  ORDER_STATUSES,
  OrderStatus,
  type Currency,
  type CustomerOrders,
  type Order,
  type OrderChanges,
  type OrderInput,
  type OrderLine,
  type OrderLineInput,
  type OrdersByCustomerRequest,
  type OrdersListQuery,
  type SameFields,
} from '@tributary/contracts';
import type { OrderWithLines } from './orders.service.js';

export class OrderLineDto implements OrderLine {
  @ApiProperty({ description: 'Position of the line in its order, from 1.' })
  lineNo!: number;
  @ApiProperty()
  productId!: string;
  @ApiProperty({ minimum: 1 })
  quantity!: number;
  @ApiProperty({ description: 'Price of one unit in minor units (cents) of the order currency.' })
  unitPriceCents!: number;
}

export class OrderDto implements Order {
  @ApiProperty({ example: '019a2b3c-4d5e-7f60-8a9b-0c1d2e3f4a5b' })
  id!: string;
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ format: 'date-time' })
  placedAt!: string;
  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus' })
  status!: OrderStatus;
  @ApiProperty({ enum: CURRENCIES, description: 'ISO 4217' })
  currency!: Currency;
  @ApiProperty({ description: 'Sum of quantity × unitPriceCents over the lines; below 2^53.' })
  totalCents!: number;
  @ApiProperty({ description: 'Sum of the quantities of the lines.' })
  units!: number;
  @ApiProperty({ format: 'date-time', description: 'Moves on every write; lists are ordered by (updatedAt, id).' })
  updatedAt!: string;
  @ApiProperty({ type: [OrderLineDto] })
  lines!: OrderLineDto[];
}

/** The orders service's one mapping from its row to the published contract. */
export function toOrderDto(row: OrderWithLines): Order {
  return {
    id: row.id,
    customerId: row.customerId,
    placedAt: row.placedAt.toISOString(),
    status: row.status,
    currency: row.currency as Currency,
    // Limits on lines keep every total below 2^53 (MAX_PRICE_CENTS).
    totalCents: Number(row.totalCents),
    units: row.units,
    updatedAt: row.updatedAt.toISOString(),
    lines: row.lines.map((line) => ({ lineNo: line.lineNo, productId: line.productId, quantity: line.quantity, unitPriceCents: line.unitPriceCents })),
  };
}

export class CreateOrderLineDto extends QuantityLineDto implements OrderLineInput {
  @ApiProperty({ minimum: 0, maximum: MAX_PRICE_CENTS })
  @IsInt()
  @Min(0)
  @Max(MAX_PRICE_CENTS)
  unitPriceCents!: number;
}

export class CreateOrderDto implements OrderInput {
  @IsEntityId()
  customerId!: string;

  @IsOptionalInstant('When the order was placed; now when absent.')
  placedAt?: string;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus', required: false, default: OrderStatus.PLACED })
  @IsOptionalNotNull()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @ApiProperty({ enum: CURRENCIES })
  @IsIn(CURRENCIES)
  currency!: Currency;

  @IsOrderLines(() => CreateOrderLineDto)
  lines!: CreateOrderLineDto[];
}

/** Orders are immutable once placed but for their status; a null status is refused. */
export class UpdateOrderDto extends PartialType(PickType(CreateOrderDto, ['status'] as const), { skipNullProperties: false }) implements OrderChanges {}

export class OrdersListQueryDto extends ListQueryDto implements OrdersListQuery {
  @IsOptionalNotNull()
  @IsEntityId({ description: 'Only orders of this customer.' })
  customerId?: string;

  @ApiProperty({ enum: ORDER_STATUSES, enumName: 'OrderStatus', required: false, description: 'Only orders in this status.' })
  @IsOptionalNotNull()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatus;

  @IsOptionalInstant('Only orders placed at or after this instant.')
  placedFrom?: string;

  @IsOptionalInstant('Only orders placed before this instant.')
  placedTo?: string;
}

export class BatchGetByCustomerRequestDto implements OrdersByCustomerRequest {
  @IsEntityIdBatch({ description: 'One result per customer id, in this order.' })
  customerIds!: string[];

  @IsOptionalInstant('Only orders placed at or after this instant.')
  placedFrom?: string;

  @IsOptionalInstant('Only orders placed before this instant.')
  placedTo?: string;
}

export class CustomerOrdersDto implements CustomerOrders {
  @ApiProperty()
  customerId!: string;
  @ApiProperty({ type: [OrderDto], description: 'Oldest first; empty when the customer has none in the period.' })
  orders!: OrderDto[];
}

export class BatchGetByCustomerResponseDto {
  @ApiProperty({ type: [CustomerOrdersDto] })
  results!: CustomerOrdersDto[];
}

// A field added to the contract or to one of these classes alone fails `npm run check`.
const _orderDtoIsTheContract: SameFields<OrderDto, Order> = true;
const _orderLineDtoIsTheContract: SameFields<OrderLineDto, OrderLine> = true;
const _createOrderDtoIsTheContract: SameFields<CreateOrderDto, OrderInput> = true;
const _createOrderLineDtoIsTheContract: SameFields<CreateOrderLineDto, OrderLineInput> = true;
const _updateOrderDtoIsTheContract: SameFields<UpdateOrderDto, OrderChanges> = true;
const _ordersListQueryIsTheContract: SameFields<OrdersListQueryDto, OrdersListQuery> = true;
const _ordersByCustomerIsTheContract: SameFields<BatchGetByCustomerRequestDto, OrdersByCustomerRequest> = true;
