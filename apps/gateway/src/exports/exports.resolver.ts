import { Inject } from '@nestjs/common';
import { Args, Context, ID, Int, Mutation, Query, Resolver } from '@nestjs/graphql';
import { operationIdOf, type ExportOperation, type ExportRequest } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { Downstream } from '../downstream/downstream.service.js';
import type { ReportingApi } from '../downstream/reporting.api.js';
import { GATEWAY_CONFIG } from '../gateway.constants.js';
import type { GatewayConfig } from '../gateway.config.js';
import type { GatewayContext } from '../loaders/request-loaders.js';
import { downloadLocationOf } from './export-files.util.js';
import { ExportOperationModel, ExportOperationPageModel, OperationStateValue, StartExportInput } from './export.model.js';

/**
 * Exports of the reporting store, through the gateway: the reporting app runs them
 * (POST /v1/exports); the gateway starts, follows and cancels them, and serves their
 * files (export-files.controller.ts), at the links it gives here.
 */
@Resolver(() => ExportOperationModel)
export class ExportsResolver {
  constructor(
    private readonly downstream: Downstream,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  @Mutation(() => ExportOperationModel, { nullable: true, description: 'Starts an export of a reporting_v1 dataset; follow it with export(id).' })
  async startExport(@Args('input') input: StartExportInput, @Context() context: GatewayContext): Promise<ExportOperationModel> {
    const { filters, ...rest } = input;
    const request: ExportRequest = {
      ...rest,
      ...(filters ? { filters: { ...filters, from: filters.from?.toISOString(), to: filters.to?.toISOString() } } : {}),
    };
    return this.toModel(await this.store().startExport(JSON.parse(JSON.stringify(request)) as ExportRequest, context.downstream));
  }

  @Query(() => ExportOperationModel, { nullable: true, description: 'An export: its progress while it runs, then its files or its error.' })
  async export(@Args('id', { type: () => ID }) id: string, @Context() context: GatewayContext): Promise<ExportOperationModel> {
    return this.toModel(await this.store().operation(id, context.downstream));
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
    return { nodes: page.operations.map((operation) => this.toModel(operation)), endCursor: page.nextPageToken ?? null, hasNextPage: page.nextPageToken !== undefined };
  }

  @Mutation(() => ExportOperationModel, { nullable: true, description: 'Cancels an export: at once when queued, after its current page when running; its files are removed.' })
  async cancelExport(@Args('id', { type: () => ID }) id: string, @Context() context: GatewayContext): Promise<ExportOperationModel> {
    return this.toModel(await this.store().cancelExport(id, context.downstream));
  }

  /** The reporting app's operation, its local files' locations made the gateway's download links. */
  private toModel(operation: ExportOperation): ExportOperationModel {
    const { response } = operation;
    const link = (location: string) => downloadLocationOf(location, this.config.publicUrl);
    return {
      ...operation,
      id: operationIdOf(operation),
      ...(response ? { response: { ...response, manifest: link(response.manifest), files: response.files.map((file) => ({ ...file, location: link(file.location) })) } } : {}),
    } as ExportOperationModel;
  }

  private store(): ReportingApi {
    if (!this.downstream.reporting) throw DomainException.invalidField('reporting', 'no reporting store is configured (REPORTING_URL)');
    return this.downstream.reporting;
  }
}
