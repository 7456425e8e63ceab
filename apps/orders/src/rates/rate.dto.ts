import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Matches, ValidateBy } from 'class-validator';
import { IsOptionalNotNull, ListQueryDto } from '@tributary/batch-api';
import { RATES_BASE_CURRENCY, type Rate, type RatesListQuery, type SameFields } from '@tributary/contracts';
import type { Prisma } from '../generated/prisma/client.js';
import { CURRENCY_CODE, isRateDay, RATE_ID_EXAMPLE } from './rate-id.util.js';

/**
 * A rate as the service reads it: a row of the table (rateDate = date), or the rate in
 * effect on a day asked for (id and date of the day asked, rateDate of the row used).
 */
export interface RateRow {
  id: string;
  date: Date;
  currency: string;
  rate: Prisma.Decimal;
  rateDate: Date;
  source: string;
  updatedAt: Date;
}

export class RateDto implements Rate {
  @ApiProperty({ example: RATE_ID_EXAMPLE, description: 'YYYY-MM-DD:CUR. In a batchGet answer, the id asked.' })
  id!: string;
  @ApiProperty({ format: 'date', example: '2026-01-05', description: 'The day (UTC). In a batchGet answer, the day asked.' })
  date!: string;
  @ApiProperty({ example: 'USD', description: 'ISO 4217, upper case.' })
  currency!: string;
  @ApiProperty({ example: '1.0921', description: `Units of currency per one ${RATES_BASE_CURRENCY}: an exact decimal string, without trailing zeros.` })
  rate!: string;
  @ApiProperty({ format: 'date', example: '2026-01-05', description: 'The day of the rate used: date itself in a list, the latest day on or before it with a rate in a batchGet answer (a weekend uses the Friday).' })
  rateDate!: string;
  @ApiProperty({ example: 'ECB', description: `Where the rate comes from: ECB, demo, … (base for ${RATES_BASE_CURRENCY} itself, rate 1).` })
  source!: string;
  @ApiProperty({ format: 'date-time', description: `Moves on every write; lists are ordered by (updatedAt, id). For ${RATES_BASE_CURRENCY}, which has no rows, the start of the day asked.` })
  updatedAt!: string;
}

const dayOf = (date: Date) => date.toISOString().slice(0, 10);

/** The orders service's one mapping from its rate to the published contract. */
export function toRateDto(row: RateRow): Rate {
  // toFixed(): plain notation, never 1e-7; a Decimal keeps no trailing zeros.
  return { id: row.id, date: dayOf(row.date), currency: row.currency, rate: row.rate.toFixed(), rateDate: dayOf(row.rateDate), source: row.source, updatedAt: row.updatedAt.toISOString() };
}

/** An optional day, YYYY-MM-DD. */
function IsOptionalRateDay() {
  return applyDecorators(
    IsOptionalNotNull(),
    ValidateBy({
      name: 'isRateDay',
      validator: { validate: (value) => typeof value === 'string' && isRateDay(value), defaultMessage: () => '$property must be a day, YYYY-MM-DD, such as 2026-01-05' },
    }),
  );
}

export class RatesListQueryDto extends ListQueryDto implements RatesListQuery {
  @ApiProperty({ required: false, example: 'USD', description: 'Only the rates of this currency (ISO 4217, upper case).' })
  @IsOptionalNotNull()
  @Matches(CURRENCY_CODE, { message: 'currency must be 3 capital letters (ISO 4217), such as USD' })
  currency?: string;

  @ApiProperty({ required: false, format: 'date', description: 'Only rates of this day or later (YYYY-MM-DD).' })
  @IsOptionalRateDay()
  from?: string;

  @ApiProperty({ required: false, format: 'date', description: 'Only rates of this day or earlier (YYYY-MM-DD, inclusive).' })
  @IsOptionalRateDay()
  to?: string;
}

// A field added to the contract or to one of these classes alone fails `npm run check`.
const _rateDtoIsTheContract: SameFields<RateDto, Rate> = true;
const _ratesListQueryIsTheContract: SameFields<RatesListQueryDto, RatesListQuery> = true;
