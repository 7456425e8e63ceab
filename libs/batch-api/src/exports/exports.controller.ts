import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { Type } from 'class-transformer';
import { resolve, sep } from 'node:path';
import { EXPORT_FILES_ROUTE, OPERATION_STATES, operationIdOf, ProblemCode, UUID_PATTERN, type ExportOperation, type ExportOperationPage, type OperationState } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { IsOptionalNotNull } from '../batch-api.validators.js';
import { DatasetExportRequestDto, ExportRequestDto } from './export-request.dto.js';
import { ExportsService } from './exports.service.js';

export const MAX_OPERATIONS_PAGE = 100;

export class ListOperationsQuery {
  @ApiProperty({ required: false, minimum: 1, maximum: MAX_OPERATIONS_PAGE, description: '20 when absent.' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_OPERATIONS_PAGE)
  pageSize?: number;

  @ApiProperty({ required: false })
  @IsOptionalNotNull()
  @IsString()
  pageToken?: string;

  @ApiProperty({ required: false, enum: OPERATION_STATES })
  @IsOptionalNotNull()
  @IsIn(OPERATION_STATES)
  state?: OperationState;
}

/** `GET /v1/operations/{id}` takes the id alone or the whole name, operations/{id}. */
function operationId(id: string): string {
  const bare = id.replace(/^operations\//, '');
  if (!UUID_PATTERN.test(bare)) throw DomainException.notFound('operation', id);
  return bare.toLowerCase();
}

function pageTokenOf(operation: ExportOperation): string {
  return Buffer.from(JSON.stringify({ c: operation.metadata.createdAt, i: operationIdOf(operation) })).toString('base64url');
}

function afterToken(token: string): { createdAt: Date; id: string } {
  try {
    const { c, i } = JSON.parse(Buffer.from(token, 'base64url').toString()) as { c: string; i: string };
    const createdAt = new Date(c);
    if (UUID_PATTERN.test(i) && !Number.isNaN(createdAt.getTime())) return { createdAt, id: i };
  } catch {
    // refused below
  }
  throw new DomainException(ProblemCode.invalidPageToken, 'pageToken is not one this list gave', [{ field: 'pageToken', message: 'pageToken is not one this list gave' }]);
}

/**
 * Exports as long-running operations (AIP-151), the same on every app that has data to
 * export: `POST /v1/exports` with the dataset in the body, or `POST /v1/{dataset}:export`.
 */
@ApiTags('exports')
@Controller('v1')
export class ExportsController {
  constructor(@Inject(ExportsService) private readonly exports: ExportsService) {}

  @Post('exports')
  @HttpCode(202)
  @ApiOperation({ summary: 'Starts an export; 202 with its operation, to follow at GET /v1/operations/{id}.' })
  start(@Body() request: ExportRequestDto): Promise<ExportOperation> {
    return this.exports.start(request);
  }

  @Post(':dataset\\:export')
  @HttpCode(202)
  @ApiOperation({ summary: 'Starts an export of this dataset (the body as for POST /v1/exports, dataset aside).' })
  startOf(@Param('dataset') dataset: string, @Body() request: DatasetExportRequestDto): Promise<ExportOperation> {
    return this.exports.start({ ...request, dataset });
  }

  @Get('exports\\:datasets')
  @ApiOperation({ summary: 'What this app exports: each dataset with its columns and types, its time column and filters.' })
  datasets() {
    return { datasets: this.exports.datasets() };
  }

  @Get('operations')
  @ApiOperation({ summary: 'Operations, newest first; filter by state.' })
  async list(@Query() query: ListOperationsQuery): Promise<ExportOperationPage> {
    const pageSize = query.pageSize ?? 20;
    const operations = await this.exports.list(pageSize + 1, query.state, query.pageToken ? afterToken(query.pageToken) : undefined);
    const page = operations.slice(0, pageSize);
    return { operations: page, ...(operations.length > pageSize ? { nextPageToken: pageTokenOf(page.at(-1)!) } : {}) };
  }

  @Get('operations/:id')
  @ApiOperation({ summary: 'An operation: its progress while it runs (metadata), then its files (response) or error.' })
  get(@Param('id') id: string): Promise<ExportOperation> {
    return this.exports.get(operationId(id));
  }

  @Post('operations/:id\\:cancel')
  @HttpCode(200)
  @ApiOperation({ summary: 'Cancels an operation: at once when queued, after its current page when running; its files are removed. A finished one is left as it is.' })
  cancel(@Param('id') id: string): Promise<ExportOperation> {
    return this.exports.cancel(operationId(id));
  }

  @Delete('operations/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Forgets a finished operation (its files stay where they were written).' })
  async delete(@Param('id') id: string): Promise<void> {
    await this.exports.delete(operationId(id));
  }

  @Get(`${EXPORT_FILES_ROUTE.slice('/v1/'.length)}/*path`)
  @ApiOperation({ summary: "A file of a local export, at the location its operation's response gives." })
  file(@Param('path') path: string | string[], @Res() response: { sendFile(path: string, options: { dotfiles: 'allow' }, callback: (error?: Error) => void): void }): Promise<void> {
    const root = resolve(this.exports.directory());
    const file = resolve(root, ...(Array.isArray(path) ? path : [path]));
    if (!file.startsWith(root + sep) || file.endsWith('.partial')) throw DomainException.notFound('file', String(path));
    // The default directory is under .data: send() ignores dot folders unless told (the path was checked above).
    return new Promise((done, fail) => response.sendFile(file, { dotfiles: 'allow' }, (error) => (error ? fail(DomainException.notFound('file', file.slice(root.length + 1))) : done())));
  }
}
