import { ArgsType, Field, ID, Int } from '@nestjs/graphql';
import { IsString, Max, MaxLength, Min } from 'class-validator';
import { MAX_ID_LENGTH } from '@tributary/contracts';

/** The longest the orders service holds a placement's answer (GET /v1/orderPlacements/{id}?waitSeconds). */
export const MAX_PLACEMENT_WAIT_SECONDS = 30;

@ArgsType()
export class OrderPlacementArgs {
  @Field(() => ID)
  @IsString()
  @MaxLength(MAX_ID_LENGTH)
  id!: string;

  @Field(() => Int, {
    defaultValue: 0,
    description: `0 to ${MAX_PLACEMENT_WAIT_SECONDS}: wait up to this many seconds for the placement to end (CONFIRMED, REJECTED or FAILED) before answering. The answer comes as soon as it ends; with 0, at once.`,
  })
  @Min(0)
  @Max(MAX_PLACEMENT_WAIT_SECONDS)
  waitSeconds: number = 0;
}
