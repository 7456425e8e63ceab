import { Injectable } from '@nestjs/common';
import { COUNTED_ORDER_STATUSES, type AggregateMeasure, type AggregateOrdersRequest, type OrderAggregate } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Downstream } from '../downstream/downstream.service.js';
import type { RequestLoaders } from '../loaders/request-loaders.js';
import type { CategorySales, CustomerRevenue, CustomerSummary, MonthlySales } from './reports.model.js';
import type { PeriodArgs } from './reports.args.js';

const COUNTED_STATUSES = [...COUNTED_ORDER_STATUSES];

function periodOrThrow({ from, to }: PeriodArgs): Pick<AggregateOrdersRequest, 'placedFrom' | 'placedTo'> {
  if (from >= to) throw DomainException.invalidField('to', 'to must be later than from');
  return { placedFrom: from.toISOString(), placedTo: to.toISOString() };
}

/**
 * Every report asks the orders service for its aggregate (computed in SQL where the
 * orders are), then batch-loads only the entities the aggregate names.
 */
@Injectable()
export class ReportsService {
  constructor(private readonly downstream: Downstream) {}

  async topCustomers(period: PeriodArgs, limit: number, stats: DownstreamStats): Promise<CustomerRevenue[]> {
    const groups = await this.aggregate({ groupBy: 'customer', ...periodOrThrow(period), statuses: COUNTED_STATUSES, limit, measures: ['orderCount'] }, stats);
    return groups.map((g) => ({ customerId: g.key!, revenueCents: g.revenueCents, orderCount: g.orderCount, currency: g.currency }));
  }

  async salesByMonth(period: PeriodArgs, stats: DownstreamStats): Promise<MonthlySales[]> {
    const groups = await this.aggregate({ groupBy: 'month', ...periodOrThrow(period), statuses: COUNTED_STATUSES, measures: ['orderCount', 'customerCount'] }, stats);
    return groups.map((g) => ({ month: g.key!, currency: g.currency, revenueCents: g.revenueCents, orderCount: g.orderCount, customerCount: g.customerCount }));
  }

  async salesByCategory(period: PeriodArgs, stats: DownstreamStats, loaders: RequestLoaders): Promise<CategorySales[]> {
    const groups = await this.aggregate({ groupBy: 'product', ...periodOrThrow(period), statuses: COUNTED_STATUSES, measures: ['units'] }, stats);
    // The catalog knows each product's category: one batch call per 1000 products sold.
    const products = await loaders.productById.loadMany([...new Set(groups.map((g) => g.key!))]);
    const categoryOf = new Map<string, string>();
    for (const product of products) {
      if (product instanceof Error) throw product;
      if (product) categoryOf.set(product.id, product.category);
    }
    const sales = new Map<string, CategorySales>();
    for (const group of groups) {
      const category = categoryOf.get(group.key!) ?? 'Unknown product';
      const key = `${category}|${group.currency}`;
      const entry = sales.get(key) ?? { category, currency: group.currency, revenueCents: 0, units: 0 };
      entry.revenueCents += group.revenueCents;
      entry.units += group.units;
      sales.set(key, entry);
    }
    return [...sales.values()].sort((a, b) => b.revenueCents - a.revenueCents || a.category.localeCompare(b.category) || a.currency.localeCompare(b.currency));
  }

  /** One entry per requested id, in order: null for an unknown customer. */
  async customerSummary(ids: string[], stats: DownstreamStats, loaders: RequestLoaders): Promise<Array<CustomerSummary | null | Error>> {
    const [groups, customers] = await Promise.all([
      this.aggregate({ groupBy: 'customer', customerIds: [...new Set(ids)], statuses: COUNTED_STATUSES, measures: ['orderCount', 'firstPlacedAt', 'lastPlacedAt'] }, stats),
      loaders.customerById.loadMany(ids),
    ]);
    const groupsOf = new Map<string, Array<OrderAggregate<'orderCount' | 'firstPlacedAt' | 'lastPlacedAt'>>>();
    for (const group of groups) {
      const ofCustomer = groupsOf.get(group.key!);
      if (ofCustomer) ofCustomer.push(group);
      else groupsOf.set(group.key!, [group]);
    }
    return ids.map((id, index) => {
      const customer = customers[index];
      if (customer instanceof Error || !customer) return customer ?? null;
      const [group, ...others] = groupsOf.get(id) ?? [];
      if (others.length) {
        // Cents of different currencies do not add up; say so rather than mislead.
        return new Error(`customer ${id} has orders in several currencies (${[group, ...others].map((g) => g!.currency).join(', ')}); use salesByMonth per currency`);
      }
      return {
        customerId: id,
        customer,
        currency: group?.currency ?? null,
        revenueCents: group?.revenueCents ?? 0,
        orderCount: group?.orderCount ?? 0,
        firstOrderAt: group?.firstPlacedAt ?? null,
        lastOrderAt: group?.lastPlacedAt ?? null,
      };
    });
  }

  private async aggregate<M extends AggregateMeasure>(request: AggregateOrdersRequest & { measures: M[] }, stats: DownstreamStats): Promise<Array<OrderAggregate<M>>> {
    return (await this.downstream.orders.aggregate(request, stats)).groups;
  }
}
