import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { operationIdOf, type ExportOperation, type ExportRequest } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { Downstream } from '../downstream/downstream.service.js';
import type { ReportingApi } from '../downstream/reporting.api.js';
import type { GatewayContext } from '../loaders/request-loaders.js';
import { ExportOperationModel, ExportOperationPageModel, OperationStateValue, StartExportInput } from './export.model.js';

const toModel = (operation: ExportOperation): ExportOperationModel => ({ ...operation, id: operationIdOf(operation) }) as ExportOperationModel;

/**
 * Exports of the reporting store, through the gateway: the reporting app runs them
 * (POST /v1/exports); the gateway starts, follows and cancels them.
 */
@Resolver(() => ExportOperationModel)
export class ExportsResolver {
  constructor(private readonly downstream: Downstream) {}

  @Mutation(() => ExportOperationModel, { nullable: true, description: 'Starts an export of a reporting_v1 dataset; follow it with export(id).' })
  async startExport(@Args('input') input: StartExportInput, @Context() context: GatewayContext): Promise<ExportOperationModel> {
    const { filters, ...rest } = input;
    const request: ExportRequest = {
      ...rest,
      ...(filters ? { filters: { ...filters, from: filters.from?.toISOString(), to: filters.to?.toISOString() } } : {}),
    };
    return toModel(await this.store().startExport(JSON.parse(JSON.stringify(request)) as ExportRequest, context.downstream));
  }

  @Query(() => ExportOperationModel, { nullable: true, description: 'An export: its progress while it runs, then its files or its error.' })
  async export(@Args('id', { type: () => ID }) id: string, @Context() context: GatewayContext): Promise<ExportOperationModel> {
    return toModel(await this.store().operation(id, context.downstream));
  }

  @Query(() => ExportOperationPageModel, { nullable: true, description: 'Exports, newest first.' })
  async exports(
    @Context() context: GatewayContext,
    @Args('first', { type: () => Int, defaultValue: 20 }) first: number,
    @Args('after', { type: () => String, nullable: true }) after?: string,
    @Args('state', { type: () => OperationStateValue, nullable: true }) state?: OperationStateValue,
  ): Promise<ExportOperationPageModel> {
    if (first < 1 || first > 100) throw DomainException.invalidField('first', 'first must be from 1 to 100');
    const page = await this.store().operations({ pageSize: first, ...(after ? { pageToken: after } : {}), ...(state ? { state } : {}) }, context.downstream);
    return { nodes: page.operations.map(toModel), endCursor: page.nextPageToken ?? null, hasNextPage: page.nextPageToken !== undefined };
  }

  @Mutation(() => ExportOperationModel, { nullable: true, description: 'Cancels an export: at once when queued, after its current page when running; its files are removed.' })
  async cancelExport(@Args('id', { type: () => ID }) id: string, @Context() context: GatewayContext): Promise<ExportOperationModel> {
    return toModel(await this.store().cancelExport(id, context.downstream));
  }

  private store(): ReportingApi {
    if (!this.downstream.reporting) throw DomainException.invalidField('reporting', 'no reporting store is configured (REPORTING_URL)');
    return this.downstream.reporting;
  }
}
