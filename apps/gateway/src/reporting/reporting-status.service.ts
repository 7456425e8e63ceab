import { Injectable } from '@nestjs/common';
import type { TableFreshness, TableReconciliation } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Downstream } from '../downstream/downstream.service.js';
import type { ReportingApi } from '../downstream/reporting.api.js';

@Injectable()
export class ReportingStatusService {
  constructor(private readonly downstream: Downstream) {}

  async freshness(stats: DownstreamStats): Promise<TableFreshness[]> {
    return (await this.store().freshness(stats)).tables;
  }

  async reconciliation(stats: DownstreamStats): Promise<TableReconciliation[]> {
    return (await this.store().reconciliation(stats)).tables;
  }

  private store(): ReportingApi {
    if (!this.downstream.reporting) throw DomainException.invalidField('reporting', 'no reporting store is configured (REPORTING_URL)');
    return this.downstream.reporting;
  }
}
