import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsOptionalInstant, IsOptionalNotNull } from '@tributary/batch-api';
import { CONVERSION_RULE, CURRENCIES, type Currency, type SameFields, type StoreReportRequest } from '@tributary/contracts';

export const MAX_TOP_CUSTOMERS = 1000;

export class StoreReportRequestDto implements StoreReportRequest {
  @IsOptionalInstant('Start of the period, inclusive.')
  from!: string;

  @IsOptionalInstant('End of the period, exclusive.')
  to!: string;

  @ApiProperty({ required: false, minimum: 1, maximum: MAX_TOP_CUSTOMERS, description: 'topCustomers: how many customers (per currency, unless converted into `currency`); 10 when absent.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOP_CUSTOMERS)
  limit?: number;

  @ApiProperty({ required: false, enum: ['NONE', 'MONTH'], description: 'salesByCategory: per category, or per category and month (UTC).' })
  @IsOptionalNotNull()
  @IsIn(['NONE', 'MONTH'])
  groupBy?: 'NONE' | 'MONTH';

  @ApiProperty({ required: false, enum: CURRENCIES, description: `Convert every amount into this currency: ${CONVERSION_RULE}. Rows are then not split by currency.` })
  @IsOptionalNotNull()
  @IsIn(CURRENCIES)
  currency?: Currency;
}

// A field added to the contract or to this class alone fails `npm run check`.
const _storeReportRequestIsTheContract: SameFields<StoreReportRequestDto, StoreReportRequest> = true;
