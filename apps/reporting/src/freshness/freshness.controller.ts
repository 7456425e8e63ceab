import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { StoreFreshness } from '@tributary/contracts';
import { FreshnessService } from './freshness.service.js';

@ApiTags('freshness')
@Controller('v1')
export class FreshnessController {
  constructor(private readonly freshness: FreshnessService) {}

  @Get('freshness')
  @ApiOperation({
    summary: "Per store table: the watermark its batch pump has delivered up to and the lag behind now in seconds; its event pump's events applied and their end-to-end lag over the last minute. And the events set aside as dead letters.",
  })
  tables(): Promise<StoreFreshness> {
    return this.freshness.store();
  }
}
