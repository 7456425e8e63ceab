import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TableFreshness } from '@tributary/contracts';
import { FreshnessService } from './freshness.service.js';

@ApiTags('freshness')
@Controller('v1')
export class FreshnessController {
  constructor(private readonly freshness: FreshnessService) {}

  @Get('freshness')
  @ApiOperation({ summary: 'Per store table: the watermark its pump has delivered up to, and the lag behind now in seconds.' })
  async tables(): Promise<{ tables: TableFreshness[] }> {
    return { tables: await this.freshness.freshness() };
  }
}
