import { ArgsType, Field, Int } from '@nestjs/graphql';
import { IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_PAGE_SIZE } from '@tributary/contracts';

@ArgsType()
export class ConnectionArgs {
  @Field(() => Int, { defaultValue: 100, description: `Edges to return, 1 to ${MAX_PAGE_SIZE}.` })
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  first: number = 100;

  @Field(() => String, { nullable: true, description: 'The cursor of the edge to continue after.' })
  @IsOptional()
  @IsString()
  @MaxLength(2048)
  after?: string;
}
