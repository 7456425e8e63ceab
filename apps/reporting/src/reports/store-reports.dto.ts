import { ApiProperty } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { IsOptionalInstant, IsOptionalNotNull } from '@tributary/batch-api';
import type { StoreReportRequest } from '@tributary/contracts';

export const MAX_TOP_CUSTOMERS = 1000;

export class StoreReportRequestDto implements StoreReportRequest {
  @IsOptionalInstant('Start of the period, inclusive.')
  from!: string;

  @IsOptionalInstant('End of the period, exclusive.')
  to!: string;

  @ApiProperty({ required: false, minimum: 1, maximum: MAX_TOP_CUSTOMERS, description: 'topCustomers: how many (customer, currency) groups; 10 when absent.' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_TOP_CUSTOMERS)
  limit?: number;

  @ApiProperty({ required: false, enum: ['NONE', 'MONTH'], description: 'salesByCategory: per category, or per category and month (UTC).' })
  @IsOptionalNotNull()
  @IsIn(['NONE', 'MONTH'])
  groupBy?: 'NONE' | 'MONTH';
}
