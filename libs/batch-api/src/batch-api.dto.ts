import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength } from 'class-validator';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MAX_READ_MASK_LENGTH, type BatchGetRequest, type ListQuery } from '@tributary/contracts';
import { IsEntityIdBatch, IsOptionalCount, IsOptionalInstant, IsOptionalNotNull } from './batch-api.validators.js';

export class BatchGetRequestDto implements BatchGetRequest {
  @IsEntityIdBatch({ description: 'The ids to fetch; the response has one result per id, in this order.' })
  ids!: string[];

  @IsOptionalReadMask()
  readMask?: string;
}

/** AIP-157 partial responses: which fields of each resource to send. */
function IsOptionalReadMask(): PropertyDecorator {
  return applyDecorators(
    ApiProperty({
      required: false,
      maxLength: MAX_READ_MASK_LENGTH,
      example: 'id,placedAt,lines.quantity',
      description: 'Only these fields of each resource, comma-separated; a nested field by its path. Absent, empty or * gives every field.',
    }),
    IsOptionalNotNull(),
    IsString(),
    MaxLength(MAX_READ_MASK_LENGTH),
  );
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

  @IsOptionalReadMask()
  readMask?: string;
}

/** The fields of a query that are not filters: a page token is bound to everything else in it. */
export const PAGING_FIELDS = ['pageSize', 'pageToken', 'readMask'] as const;
