import { Module } from '@nestjs/common';
import { CustomerRevenueResolver, ReportsResolver } from './reports.resolver.js';
import { ReportSourceService } from './report-source.service.js';
import { ReportsService } from './reports.service.js';

@Module({ providers: [ReportsResolver, CustomerRevenueResolver, ReportsService, ReportSourceService] })
export class ReportsModule {}
