import { Controller, Get } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TableReconciliation } from '@tributary/contracts';
import { ReconciliationService } from './reconciliation.service.js';

@ApiTags('reconciliation')
@Controller('v1')
export class ReconciliationController {
  constructor(private readonly reconciliation: ReconciliationService) {}

  @Get('reconciliation')
  @ApiOperation({ summary: "Per table: the source's count and checksum of (id, updatedAt) below the delivered horizon, the store's, and the difference." })
  async tables(): Promise<{ tables: TableReconciliation[] }> {
    return { tables: await this.reconciliation.reconcile() };
  }
}
