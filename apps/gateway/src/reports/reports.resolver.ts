import { Args, Context, Info, Query, ResolveField, Resolver } from '@nestjs/graphql';
import type { GraphQLResolveInfo } from 'graphql';
import { Customer } from '../customers/customer.model.js';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Loaders, RequestStats, type GatewayContext, type RequestLoaders } from '../loaders/request-loaders.js';
import { CustomerSummaryArgs, PeriodArgs, SalesByCategoryArgs, TopCustomersArgs } from './reports.args.js';
import { CategorySales, CountrySales, CustomerRevenue, CustomerSummary, MonthlySales, Reports } from './reports.model.js';
import { ReportsService } from './reports.service.js';

@Resolver(() => Reports)
export class ReportsResolver {
  constructor(private readonly service: ReportsService) {}

  @Query(() => Reports, { nullable: true, description: 'Report queries: from the reporting store or live (each takes `source`); `extensions.freshness` says which served each.' })
  reports(): Reports {
    return {};
  }

  @ResolveField(() => [CustomerRevenue], { description: 'Customers ranked by revenue in the period: within each currency, or overall once converted into `currency`.' })
  topCustomers(@Args() { limit, ...args }: TopCustomersArgs, @Context() context: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return this.service.topCustomersReport({ args, context, responseKey: String(info.path.key) }, limit ?? 10);
  }

  @ResolveField(() => [MonthlySales], { description: 'Revenue, orders and customers per month (UTC) and currency.' })
  salesByMonth(@Args() args: PeriodArgs, @Context() context: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return this.service.salesByMonthReport({ args, context, responseKey: String(info.path.key) });
  }

  @ResolveField(() => [CategorySales], { description: 'Revenue and units per product category and currency, from the order lines; per month too with groupBy MONTH (store only).' })
  salesByCategory(@Args() { groupBy, ...args }: SalesByCategoryArgs, @Context() context: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return this.service.salesByCategoryReport({ args, context, responseKey: String(info.path.key) }, groupBy);
  }

  @ResolveField(() => [CountrySales], { description: "Revenue, orders and customers per customer country and currency. From the reporting store only (source LIVE is refused)." })
  salesByCountry(@Args() args: PeriodArgs, @Context() context: GatewayContext, @Info() info: GraphQLResolveInfo) {
    return this.service.salesByCountryReport({ args, context, responseKey: String(info.path.key) });
  }

  @ResolveField(() => [CustomerSummary], { nullable: 'items', description: 'One entry per id, in order; null for an unknown customer. All time, cancelled orders excluded. A customer with orders in several currencies needs `currency`.' })
  customerSummary(@Args() { ids, currency }: CustomerSummaryArgs, @RequestStats() stats: DownstreamStats, @Loaders() loaders: RequestLoaders) {
    return this.service.customerSummary(ids, currency, stats, loaders);
  }
}

/** The customer of a report row, batch-loaded: one call for all rows. */
@Resolver(() => CustomerRevenue)
export class CustomerRevenueResolver {
  // Resolved once per row: see FAST_FIELD_RESOLVER in request-loaders.ts.
  @ResolveField(() => Customer, { nullable: true })
  customer(row: CustomerRevenue, _args: unknown, { loaders }: GatewayContext) {
    return row.customer !== undefined ? row.customer : loaders.customerById.load(row.customerId);
  }
}
