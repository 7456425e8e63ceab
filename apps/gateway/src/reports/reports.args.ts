import { ArgsType, Field, Int, registerEnumType } from '@nestjs/graphql';
import { IsDate, IsEnum, IsInt, IsOptional, Max, Min } from 'class-validator';
import { ReportSource } from './report-source.js';

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
}

export const MAX_TOP = 1000;

@ArgsType()
export class TopCustomersArgs extends PeriodArgs {
  @Field(() => Int, { nullable: true, defaultValue: 10, description: `1 to ${MAX_TOP}; null means 10.` })
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
