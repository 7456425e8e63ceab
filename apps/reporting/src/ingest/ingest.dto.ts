import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsISO8601, IsObject, IsOptional, IsString, Matches, ValidateIf, ValidateNested } from 'class-validator';
import type { PumpBatch } from '@tributary/contracts';

export const MAX_ROWS_PER_BATCH = 50_000;
const XID = /^\d{1,20}$/;

class PumpRunDto {
  @Matches(XID, { message: 'checkpoint.run.target must be a transaction id' })
  target!: string;
  @Matches(XID, { message: 'checkpoint.run.afterXid must be a transaction id' })
  afterXid!: string;
  @IsString()
  afterId!: string;
  @IsISO8601()
  watermark!: string;
}

class PumpCheckpointDto {
  @ApiProperty({ description: 'Every source transaction below this id is delivered once this batch commits.' })
  @Matches(XID, { message: 'checkpoint.horizon must be a transaction id' })
  horizon!: string;

  @ApiProperty({ required: false, description: 'The run this batch belongs to, while it is unfinished.' })
  @IsOptional()
  @ValidateNested()
  @Type(() => PumpRunDto)
  run?: PumpRunDto;

  @ApiProperty({ nullable: true, description: 'Every source change committed before this instant is delivered.' })
  @ValidateIf((_, value) => value !== null)
  @IsISO8601()
  watermark!: string | null;
}

/** The envelope is validated here; each row is checked by the upsert's column types, which refuse the whole batch. */
export class PumpBatchDto implements PumpBatch {
  @ApiProperty({ description: `Reporting rows of the table (libs/contracts), at most ${MAX_ROWS_PER_BATCH}.` })
  @IsArray()
  @ArrayMaxSize(MAX_ROWS_PER_BATCH)
  @IsObject({ each: true })
  rows!: PumpBatch['rows'];

  @ValidateNested()
  @Type(() => PumpCheckpointDto)
  checkpoint!: PumpCheckpointDto;
}

/** Rows of a full reload (the backup pump's). */
export class ReloadRowsDto {
  @ApiProperty({ description: `Reporting rows of the table (libs/contracts), at most ${MAX_ROWS_PER_BATCH}.` })
  @IsArray()
  @ArrayMaxSize(MAX_ROWS_PER_BATCH)
  @IsObject({ each: true })
  rows!: object[];
}

class ReloadCheckpointDto {
  @ApiProperty({ description: "The source transaction horizon of the backup: the live pump goes on from here." })
  @Matches(XID, { message: 'checkpoint.horizon must be a transaction id' })
  horizon!: string;

  @ApiProperty({ description: 'Every source change committed before this instant is in the backup.' })
  @IsISO8601()
  watermark!: string;
}

export class ReloadCommitDto {
  @ValidateNested()
  @Type(() => ReloadCheckpointDto)
  checkpoint!: ReloadCheckpointDto;
}
