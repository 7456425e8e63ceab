import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { Matches } from 'class-validator';
import type { TableChecksum } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { PUMP_SOURCES } from './pump.tokens.js';
import type { PumpSource } from './pump-source.js';

export class ChecksumQueryDto {
  @ApiProperty({ description: 'A transaction id horizon (decimal xid8), as in a pump checkpoint: rows written by transactions below it.', example: '1234' })
  @Matches(/^\d{1,20}$/, { message: 'until must be a transaction id: 1 to 20 decimal digits' })
  until!: string;
}

/** A service's side of the reconciliation, for each table it pumps. */
@ApiTags('reporting pump')
@Controller('v1')
export class PumpChecksumController {
  constructor(@Inject(PUMP_SOURCES) private readonly sources: PumpSource[]) {}

  @Get(':table\\:checksum')
  @ApiOperation({ summary: 'Count and order-independent checksum of (id, updatedAt) of the rows written below a transaction horizon.' })
  checksum(@Param('table') table: string, @Query() { until }: ChecksumQueryDto): Promise<TableChecksum> {
    const source = this.sources.find((s) => s.table === table);
    if (!source) throw DomainException.notFound('pumped table', table);
    return source.checksum(until);
  }
}
