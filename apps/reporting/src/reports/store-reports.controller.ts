import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { STORE_REPORTS, type StoreReportAnswer, type StoreReportName } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { StoreReportRequestDto } from './store-reports.dto.js';
import { StoreReportsService } from './store-reports.service.js';

@ApiTags('reports')
@Controller('v1/reports')
export class StoreReportsController {
  constructor(private readonly reports: StoreReportsService) {}

  @Post(':name')
  @HttpCode(200)
  @ApiOperation({ summary: `A report from the store (${STORE_REPORTS.join(', ')}): its rows, and the lag of the tables it read.` })
  report(@Param('name') name: string, @Body() request: StoreReportRequestDto): Promise<StoreReportAnswer> {
    if (!(STORE_REPORTS as readonly string[]).includes(name)) throw DomainException.notFound('report', name);
    return this.reports.report(name as StoreReportName, request);
  }
}
