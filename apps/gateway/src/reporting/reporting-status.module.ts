import { Module } from '@nestjs/common';
import { ReportingStatusResolver } from './reporting-status.resolver.js';
import { ReportingStatusService } from './reporting-status.service.js';

@Module({ providers: [ReportingStatusResolver, ReportingStatusService] })
export class ReportingStatusModule {}
