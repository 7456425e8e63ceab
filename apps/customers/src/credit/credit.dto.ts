import { ApiProperty } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, Max, Min } from 'class-validator';
import { CreditRefusal, CURRENCIES, MAX_PRICE_CENTS, ORDER_LIMITS, type CreditCheck, type CreditCheckRequest, type CreditTerms, type Currency, type SameFields } from '@tributary/contracts';

/** The largest order total there can be (the order limits at the highest price): the bound of amounts and limits. */
export const MAX_ORDER_CENTS = ORDER_LIMITS.linesPerOrder * ORDER_LIMITS.quantity * MAX_PRICE_CENTS;

export class CreditCheckRequestDto implements CreditCheckRequest {
  @ApiProperty({ minimum: 0, maximum: MAX_ORDER_CENTS, description: 'The amount of the order, in cents of its currency.' })
  @IsInt()
  @Min(0)
  @Max(MAX_ORDER_CENTS)
  amountCents!: number;

  @ApiProperty({ enum: CURRENCIES })
  @IsIn(CURRENCIES)
  currency!: Currency;
}

export class CreditCheckDto implements CreditCheck {
  @ApiProperty()
  customerId!: string;
  @ApiProperty()
  approved!: boolean;
  @ApiProperty({ enum: Object.values(CreditRefusal), enumName: 'CreditRefusal', required: false })
  reason?: CreditRefusal;
  @ApiProperty({ required: false })
  limitCents?: number;
}

export class CreditTermsDto implements CreditTerms {
  @ApiProperty({ minimum: 0, maximum: MAX_ORDER_CENTS, description: 'The largest amount one order may come to, in cents of its currency.' })
  @IsInt()
  @Min(0)
  @Max(MAX_ORDER_CENTS)
  limitCents!: number;

  @ApiProperty({ description: 'A blocked customer may not place orders.' })
  @IsBoolean()
  blocked!: boolean;
}

const _requestIsTheContract: SameFields<CreditCheckRequestDto, CreditCheckRequest> = true;
const _answerIsTheContract: SameFields<CreditCheckDto, CreditCheck> = true;
const _termsIsTheContract: SameFields<CreditTermsDto, CreditTerms> = true;
