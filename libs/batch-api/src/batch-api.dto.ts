import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, type BatchGetRequest, type ListQuery } from '@tributary/contracts';
import { IsEntityIdBatch, IsOptionalCount, IsOptionalInstant, IsOptionalNotNull } from './batch-api.validators.js';

export class BatchGetRequestDto implements BatchGetRequest {
  @IsEntityIdBatch({ description: 'The ids to fetch; the response has one result per id, in this order.' })
  ids!: string[];
}

/** The query of every list method; services extend it with their own filters. */
export class ListQueryDto implements ListQuery {
  @IsOptionalCount({
    description: `Rows per page. 0 or absent means ${DEFAULT_PAGE_SIZE}; above ${MAX_PAGE_SIZE} is lowered to ${MAX_PAGE_SIZE}.`,
    default: DEFAULT_PAGE_SIZE,
  })
  pageSize?: number;

  @ApiProperty({ required: false, description: 'The nextPageToken of the previous page, with the same filters.' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(512)
  pageToken?: string;

  @IsOptionalInstant('Only rows whose updatedAt is at or after this instant (incremental reads).')
  updatedSince?: string;
}

/** The paging fields of a query; everything else in it is a filter the token is bound to. */
export const PAGING_FIELDS = ['pageSize', 'pageToken'] as const;
