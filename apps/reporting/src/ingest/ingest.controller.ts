import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { REPORTING_TABLES, type PumpBatchResult, type PumpCheckpoint, type ReportingTable } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { PumpBatchDto } from './ingest.dto.js';
import { IngestService } from './ingest.service.js';

export function reportingTableOrThrow(table: string): ReportingTable {
  if (!(REPORTING_TABLES as readonly string[]).includes(table)) throw DomainException.notFound('reporting table', table);
  return table as ReportingTable;
}

/** Where the services' pumps deliver. */
@ApiTags('pumps')
@Controller('v1/pumps')
export class IngestController {
  constructor(private readonly ingest: IngestService) {}

  @Get(':table/checkpoint')
  @ApiOperation({ summary: "Where a table's pump is: the checkpoint it resumes from." })
  checkpoint(@Param('table') table: string): Promise<PumpCheckpoint> {
    return this.ingest.checkpoint(reportingTableOrThrow(table));
  }

  @Post(':table\\:ingest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Applies one batch of a pump run and its checkpoint in one transaction; rows older than the stored version are left alone.' })
  apply(@Param('table') table: string, @Body() batch: PumpBatchDto): Promise<PumpBatchResult> {
    return this.ingest.ingest(reportingTableOrThrow(table), batch);
  }
}
