import { Module } from '@nestjs/common';
import { CustomerRevenueResolver, ReportsResolver } from './reports.resolver.js';
import { ReportsService } from './reports.service.js';

@Module({ providers: [ReportsResolver, CustomerRevenueResolver, ReportsService] })
export class ReportsModule {}
