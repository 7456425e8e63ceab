import { Context, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GatewayContext } from '../loaders/request-loaders.js';
import { ReportingStatus, TableFreshnessModel, TableReconciliationModel } from './reporting-status.model.js';
import { ReportingStatusService } from './reporting-status.service.js';

@Resolver(() => ReportingStatus)
export class ReportingStatusResolver {
  constructor(private readonly status: ReportingStatusService) {}

  @Query(() => ReportingStatus, { nullable: true, description: 'The reporting store: freshness and reconciliation per table.' })
  reporting(): ReportingStatus {
    return {};
  }

  @ResolveField(() => [TableFreshnessModel])
  freshness(@Context() context: GatewayContext) {
    return this.status.freshness(context.downstream);
  }

  @ResolveField(() => [TableReconciliationModel])
  reconciliation(@Context() context: GatewayContext) {
    return this.status.reconciliation(context.downstream);
  }
}
