import { ApiProperty } from '@nestjs/swagger';
import { IsString } from 'class-validator';

export class CreateSqlReaderDto {
  @ApiProperty({ example: 'alice', description: "The reader's name, its login: a lower-case SQL name (a-z, 0-9, _), at most 63 characters." })
  @IsString()
  name!: string;
}
