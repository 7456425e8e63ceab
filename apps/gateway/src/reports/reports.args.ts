import { ArgsType, Field, Int, registerEnumType } from '@nestjs/graphql';
import { IsDate, IsEnum, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { CONVERSION_RULE, CURRENCIES, RATES_BASE_CURRENCY, type Currency } from '@tributary/contracts';
import { IdsArgs } from '../pagination/ids.args.js';
import { ReportSource } from './report-source.js';

/** The currencies a report may be converted into: those of the orders (ISO 4217). */
export const ReportCurrency = Object.fromEntries(CURRENCIES.map((currency) => [currency, currency])) as { [C in Currency]: C };
registerEnumType(ReportCurrency, { name: 'Currency', description: `ISO 4217. Rates are quoted against ${RATES_BASE_CURRENCY}, as the European Central Bank publishes them.` });

const CURRENCY_ARG = {
  nullable: true,
  description:
    `Convert every amount into this currency: ${CONVERSION_RULE}. Rows are then not split by currency, and rankings are by converted revenue. ` +
    'Without it, each row is in one currency and rankings are within each currency, never across. A currency without a rate on or before a day of the period is refused (BAD_USER_INPUT).',
};

export const MAX_STALENESS_SECONDS = 366 * 24 * 3600;

@ArgsType()
export class PeriodArgs {
  @Field(() => Date, { description: 'Start of the period, inclusive (ISO-8601).' })
  @IsDate()
  from!: Date;
  @Field(() => Date, { description: 'End of the period, exclusive (ISO-8601).' })
  @IsDate()
  to!: Date;
  @Field(() => ReportSource, { defaultValue: ReportSource.AUTO, description: 'Where the data comes from; `extensions.freshness` says which source served it.' })
  @IsEnum(ReportSource)
  source: ReportSource = ReportSource.AUTO;
  @Field(() => Int, { defaultValue: 300, description: `Seconds the reporting store may lag behind the services for AUTO to use it (0 to ${MAX_STALENESS_SECONDS}).` })
  @IsInt()
  @Min(0)
  @Max(MAX_STALENESS_SECONDS)
  maxStaleness: number = 300;
  @Field(() => ReportCurrency, CURRENCY_ARG)
  @IsOptional()
  @IsIn(CURRENCIES)
  currency?: Currency;
}

@ArgsType()
export class CustomerSummaryArgs extends IdsArgs {
  @Field(() => ReportCurrency, CURRENCY_ARG)
  @IsOptional()
  @IsIn(CURRENCIES)
  currency?: Currency;
}

export const MAX_TOP = 1000;

@ArgsType()
export class TopCustomersArgs extends PeriodArgs {
  @Field(() => Int, { nullable: true, defaultValue: 10, description: `1 to ${MAX_TOP} customers (per currency without \`currency\`); null means 10.` })
  @IsOptional()
  @Min(1)
  @Max(MAX_TOP)
  limit: number = 10;
}

export enum SalesGrouping {
  NONE = 'NONE',
  MONTH = 'MONTH',
}
registerEnumType(SalesGrouping, { name: 'SalesGrouping', description: 'NONE: one row per category over the period. MONTH: one per category and month (UTC), from the reporting store only.' });

@ArgsType()
export class SalesByCategoryArgs extends PeriodArgs {
  @Field(() => SalesGrouping, { defaultValue: SalesGrouping.NONE })
  @IsEnum(SalesGrouping)
  groupBy: SalesGrouping = SalesGrouping.NONE;
}
