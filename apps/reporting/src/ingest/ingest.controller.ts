import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { REPORTING_TABLES, type PumpBatchResult, type PumpCheckpoint, type ReportingTable } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { PumpBatchDto, ReloadCommitDto, ReloadRowsDto } from './ingest.dto.js';
import { IngestService } from './ingest.service.js';
import { ReloadService } from './reload.service.js';

export function reportingTableOrThrow(table: string): ReportingTable {
  if (!(REPORTING_TABLES as readonly string[]).includes(table)) throw DomainException.notFound('reporting table', table);
  return table as ReportingTable;
}

/** Where the services' pumps deliver. */
@ApiTags('pumps')
@Controller('v1/pumps')
export class IngestController {
  constructor(
    private readonly ingest: IngestService,
    private readonly reloads: ReloadService,
  ) {}

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

  @Post(':table/reloads')
  @ApiOperation({ summary: 'Starts a full reload of a table (the backup pump): rows go aside until the reload commits.' })
  async beginReload(@Param('table') table: string): Promise<{ reload: string }> {
    return { reload: await this.reloads.begin(reportingTableOrThrow(table)) };
  }

  @Post(':table/reloads/:id\\:ingest')
  @HttpCode(200)
  @ApiOperation({ summary: 'Adds rows to a reload.' })
  async ingestReload(@Param('table') table: string, @Param('id') id: string, @Body() body: ReloadRowsDto): Promise<{ applied: number }> {
    return { applied: await this.reloads.ingest(reportingTableOrThrow(table), id, body.rows) };
  }

  @Post(':table/reloads/:id\\:commit')
  @HttpCode(200)
  @ApiOperation({ summary: "Replaces the table's rows with the reload's and sets its checkpoint, in one transaction." })
  async commitReload(@Param('table') table: string, @Param('id') id: string, @Body() body: ReloadCommitDto): Promise<{ rows: number }> {
    return { rows: await this.reloads.commit(reportingTableOrThrow(table), id, body.checkpoint) };
  }

  @Delete(':table/reloads/:id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Abandons a reload: the table is left as it was.' })
  async abortReload(@Param('table') table: string, @Param('id') id: string): Promise<void> {
    reportingTableOrThrow(table);
    await this.reloads.abort(id);
  }
}
