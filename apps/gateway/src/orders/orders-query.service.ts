import { Injectable } from '@nestjs/common';
import { DomainException } from '@tributary/core';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Downstream } from '../downstream/downstream.service.js';
import { ConnectionCursors, readConnection } from '../pagination/connection-cursor.util.js';
import type { ConnectionArgs } from '../pagination/connection.args.js';
import { toConnection } from '../pagination/connection.model.js';
import type { OrderFilter } from './order.model.js';

@Injectable()
export class OrdersQueryService {
  constructor(
    private readonly downstream: Downstream,
    private readonly cursors: ConnectionCursors,
  ) {}

  /** With a read mask, each order has only those fields (the cursors do not depend on it). */
  async orders({ first, after }: ConnectionArgs, filter: OrderFilter, stats: DownstreamStats, readMask?: string) {
    if (filter.placedFrom && filter.placedTo && filter.placedFrom >= filter.placedTo) {
      throw DomainException.invalidField('filter.placedTo', 'filter.placedTo must be later than filter.placedFrom');
    }
    const filters = {
      customerId: filter.customerId,
      status: filter.status,
      placedFrom: filter.placedFrom?.toISOString(),
      placedTo: filter.placedTo?.toISOString(),
      updatedSince: filter.updatedSince?.toISOString(),
    };
    const { edges, hasNextPage } = await readConnection(this.cursors, { connection: 'Query.orders', filters }, first, after, async (pageToken, pageSize) => {
      const page = await this.downstream.orders.list({ ...filters, pageSize, pageToken, readMask }, stats);
      return { items: page.orders, nextPageToken: page.nextPageToken };
    });
    return toConnection(edges, hasNextPage);
  }
}
