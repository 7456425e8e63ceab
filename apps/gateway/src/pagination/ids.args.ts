import { ArgsType, Field, ID } from '@nestjs/graphql';
import { ArrayMaxSize, ArrayMinSize, IsString, MaxLength } from 'class-validator';
import { MAX_BATCH_SIZE, MAX_ID_LENGTH } from '@tributary/contracts';

@ArgsType()
export class IdsArgs {
  @Field(() => [ID], { description: `1 to ${MAX_BATCH_SIZE} ids; the result has one entry per id, in order, null where none exists.` })
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_BATCH_SIZE)
  @IsString({ each: true })
  @MaxLength(MAX_ID_LENGTH, { each: true })
  ids!: string[];
}
