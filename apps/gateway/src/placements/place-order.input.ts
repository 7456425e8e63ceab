import { Field, ID, InputType, Int } from '@nestjs/graphql';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsIn, IsNotEmpty, IsString, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { CURRENCIES, MAX_ID_LENGTH, ORDER_LIMITS, PLACEMENT_LIMITS, type Currency, type OrderPlacementRequest, type QuantityLine, type SameFields } from '@tributary/contracts';

const KEY_RULE = `1 to ${PLACEMENT_LIMITS.idempotencyKeyLength} letters, digits, dots, colons, dashes or underscores`;

@InputType({ description: 'A product and how many of its units to buy; the price comes from the catalog.' })
export class PlaceOrderLineInput implements QuantityLine {
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_ID_LENGTH)
  productId!: string;
  @Field(() => Int, { description: `1 to ${ORDER_LIMITS.quantity}.` })
  @Min(1)
  @Max(ORDER_LIMITS.quantity)
  quantity!: number;
}

@InputType({ description: 'An order to place. It carries no prices: the placement takes them from the catalog.' })
export class PlaceOrderInput implements OrderPlacementRequest {
  @Field({
    description: `The client's key for this order, ${KEY_RULE}. Sending the same input with it again answers the placement it made, never a second order: resend it freely after a timeout. The same key with other input is ALREADY_EXISTS.`,
  })
  @IsString()
  @MaxLength(PLACEMENT_LIMITS.idempotencyKeyLength)
  @Matches(PLACEMENT_LIMITS.idempotencyKeyPattern, { message: `idempotencyKey must be ${KEY_RULE}` })
  idempotencyKey!: string;
  @Field(() => ID)
  @IsString()
  @IsNotEmpty()
  @MaxLength(MAX_ID_LENGTH)
  customerId!: string;
  @Field(() => String, { description: `ISO 4217, one of ${CURRENCIES.join(', ')}: every product must be priced in it (CURRENCY_MISMATCH otherwise).` })
  @IsIn(CURRENCIES)
  currency!: Currency;
  @Field(() => [PlaceOrderLineInput], { description: `1 to ${ORDER_LIMITS.linesPerOrder} lines.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(ORDER_LIMITS.linesPerOrder)
  @ValidateNested({ each: true })
  @Type(() => PlaceOrderLineInput)
  lines!: PlaceOrderLineInput[];
}

// A field added to the contract or to this input alone fails `npm run check`.
const _inputIsTheContract: SameFields<PlaceOrderInput, OrderPlacementRequest> = true;
const _lineIsTheContract: SameFields<PlaceOrderLineInput, QuantityLine> = true;
