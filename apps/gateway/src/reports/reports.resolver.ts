import { Args, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { Customer } from '../customers/customer.model.js';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Loaders, RequestStats, type GatewayContext, type RequestLoaders } from '../loaders/request-loaders.js';
import { IdsArgs } from '../pagination/ids.args.js';
import { PeriodArgs, TopCustomersArgs } from './reports.args.js';
import { CategorySales, CustomerRevenue, CustomerSummary, MonthlySales, Reports } from './reports.model.js';
import { ReportsService } from './reports.service.js';

@Resolver(() => Reports)
export class ReportsResolver {
  constructor(private readonly service: ReportsService) {}

  @Query(() => Reports, { description: 'Report queries; each pushes its aggregation down to the orders service.' })
  reports(): Reports {
    return {};
  }

  @ResolveField(() => [CustomerRevenue], { description: 'Customers ranked by revenue in the period.' })
  topCustomers(@Args() { from, to, limit }: TopCustomersArgs, @RequestStats() stats: DownstreamStats) {
    return this.service.topCustomers({ from, to }, limit ?? 10, stats);
  }

  @ResolveField(() => [MonthlySales], { description: 'Revenue, orders and customers per month (UTC) and currency.' })
  salesByMonth(@Args() period: PeriodArgs, @RequestStats() stats: DownstreamStats) {
    return this.service.salesByMonth(period, stats);
  }

  @ResolveField(() => [CategorySales], { description: 'Revenue and units per product category and currency, from the order lines.' })
  salesByCategory(@Args() period: PeriodArgs, @RequestStats() stats: DownstreamStats, @Loaders() loaders: RequestLoaders) {
    return this.service.salesByCategory(period, stats, loaders);
  }

  @ResolveField(() => [CustomerSummary], { nullable: 'items', description: 'One entry per id, in order; null for an unknown customer. All time, cancelled orders excluded.' })
  customerSummary(@Args() { ids }: IdsArgs, @RequestStats() stats: DownstreamStats, @Loaders() loaders: RequestLoaders) {
    return this.service.customerSummary(ids, stats, loaders);
  }
}

/** The customer of a report row, batch-loaded: one call for all rows. */
@Resolver(() => CustomerRevenue)
export class CustomerRevenueResolver {
  // Resolved once per row: see FAST_FIELD_RESOLVER in request-loaders.ts.
  @ResolveField(() => Customer, { nullable: true })
  customer(row: CustomerRevenue, _args: unknown, { loaders }: GatewayContext) {
    return loaders.customerById.load(row.customerId);
  }
}
