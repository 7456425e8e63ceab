import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsDate, IsOptional, Max, Min } from 'class-validator';

@ArgsType()
export class PeriodArgs {
  @Field(() => Date, { description: 'Start of the period, inclusive (ISO-8601).' })
  @IsDate()
  from!: Date;
  @Field(() => Date, { description: 'End of the period, exclusive (ISO-8601).' })
  @IsDate()
  to!: Date;
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
