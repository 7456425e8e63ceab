import { Injectable } from '@nestjs/common';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Downstream } from '../downstream/downstream.service.js';
import { ConnectionCursors, readConnection } from '../pagination/connection-cursor.util.js';
import type { ConnectionArgs } from '../pagination/connection.args.js';
import { toConnection } from '../pagination/connection.model.js';

@Injectable()
export class CustomersQueryService {
  constructor(
    private readonly downstream: Downstream,
    private readonly cursors: ConnectionCursors,
  ) {}

  async allCustomers({ first, after }: ConnectionArgs, stats: DownstreamStats) {
    const binding = { connection: 'Query.allCustomers', filters: {} };
    const { edges, hasNextPage } = await readConnection(this.cursors, binding, first, after, async (pageToken, pageSize) => {
      const page = await this.downstream.customers.list({ pageSize, pageToken }, stats);
      return { items: page.customers, nextPageToken: page.nextPageToken };
    });
    return toConnection(edges, hasNextPage);
  }
}
