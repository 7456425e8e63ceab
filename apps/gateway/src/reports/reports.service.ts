import { Injectable } from '@nestjs/common';
import { compareCategorySales, COUNTED_ORDER_STATUSES, UNKNOWN_CATEGORY, type AggregateMeasure, type AggregateOrdersRequest, type Currency, type OrderAggregate } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Downstream } from '../downstream/downstream.service.js';
import type { RequestLoaders } from '../loaders/request-loaders.js';
import type { GatewayContext } from '../loaders/request-loaders.js';
import type { CategorySales, CountrySales, CustomerRevenue, CustomerSummary, MonthlySales } from './reports.model.js';
import { SalesGrouping, type PeriodArgs } from './reports.args.js';
import { ReportSourceService } from './report-source.service.js';

const COUNTED_STATUSES = [...COUNTED_ORDER_STATUSES];

/** The conversion a report asks for, as both sources take it. */
const currencyOf = ({ currency }: Pick<PeriodArgs, 'currency'>): { currency?: Currency } => (currency ? { currency } : {});

function periodOrThrow({ from, to }: Pick<PeriodArgs, 'from' | 'to'>): Pick<AggregateOrdersRequest, 'placedFrom' | 'placedTo'> {
  if (from >= to) throw DomainException.invalidField('to', 'to must be later than from');
  return { placedFrom: from.toISOString(), placedTo: to.toISOString() };
}

/** Where a report's answer is recorded, and how its sources are chosen. */
interface ReportCall {
  args: PeriodArgs;
  responseKey: string;
  context: GatewayContext;
}

/**
 * Every period report has two sources (ReportSourceService chooses): the reporting
 * store, which answers in one SQL statement with names and categories joined, and
 * live, where the orders service computes the aggregate in SQL and the gateway
 * batch-loads only the entities the aggregate names.
 */
@Injectable()
export class ReportsService {
  constructor(
    private readonly downstream: Downstream,
    private readonly sources: ReportSourceService,
  ) {}

  topCustomersReport({ args, responseKey, context }: ReportCall, limit: number): Promise<CustomerRevenue[]> {
    const period = periodOrThrow(args);
    return this.sources.serve(
      {
        name: 'topCustomers',
        responseKey,
        ...args,
        request: { from: period.placedFrom!, to: period.placedTo!, limit, ...currencyOf(args) },
        live: () => this.topCustomers(args, limit, context.downstream),
        // The store joined each customer: no batch call follows (one that has not arrived yet is loaded live).
        fromStore: (rows) => rows.map(({ customer, ...row }) => ({ ...row, ...(customer ? { customer } : {}) })),
      },
      context,
    );
  }

  salesByMonthReport({ args, responseKey, context }: ReportCall): Promise<MonthlySales[]> {
    const period = periodOrThrow(args);
    return this.sources.serve(
      { name: 'salesByMonth', responseKey, ...args, request: { from: period.placedFrom!, to: period.placedTo!, ...currencyOf(args) }, live: () => this.salesByMonth(args, context.downstream), fromStore: (rows) => rows },
      context,
    );
  }

  salesByCategoryReport({ args, responseKey, context }: ReportCall, groupBy: SalesGrouping): Promise<CategorySales[]> {
    const period = periodOrThrow(args);
    return this.sources.serve(
      {
        name: 'salesByCategory',
        responseKey,
        ...args,
        request: { from: period.placedFrom!, to: period.placedTo!, groupBy, ...currencyOf(args) },
        // By month, live would be an aggregate per product and month, then a batch of every product: the store's only.
        live: groupBy === SalesGrouping.NONE ? () => this.salesByCategory(args, context.downstream, context.loaders) : undefined,
        fromStore: (rows) => rows,
      },
      context,
    );
  }

  /** The store's only: live, every customer of the period would be batch-loaded for their country. */
  salesByCountryReport({ args, responseKey, context }: ReportCall): Promise<CountrySales[]> {
    const period = periodOrThrow(args);
    return this.sources.serve({ name: 'salesByCountry', responseKey, ...args, request: { from: period.placedFrom!, to: period.placedTo!, ...currencyOf(args) }, fromStore: (rows) => rows }, context);
  }

  async topCustomers(period: PeriodArgs, limit: number, stats: DownstreamStats): Promise<CustomerRevenue[]> {
    const { groups, rateSource } = await this.aggregate({ groupBy: 'customer', ...periodOrThrow(period), statuses: COUNTED_STATUSES, limit, measures: ['orderCount'], ...currencyOf(period) }, stats);
    return groups.map((g) => ({ customerId: g.key!, revenueCents: g.revenueCents, orderCount: g.orderCount, currency: g.currency, rateSource }));
  }

  async salesByMonth(period: PeriodArgs, stats: DownstreamStats): Promise<MonthlySales[]> {
    const { groups, rateSource } = await this.aggregate({ groupBy: 'month', ...periodOrThrow(period), statuses: COUNTED_STATUSES, measures: ['orderCount', 'customerCount'], ...currencyOf(period) }, stats);
    return groups.map((g) => ({ month: g.key!, currency: g.currency, revenueCents: g.revenueCents, orderCount: g.orderCount, customerCount: g.customerCount, rateSource }));
  }

  async salesByCategory(period: PeriodArgs, stats: DownstreamStats, loaders: RequestLoaders): Promise<CategorySales[]> {
    const { groups, rateSource } = await this.aggregate({ groupBy: 'product', ...periodOrThrow(period), statuses: COUNTED_STATUSES, measures: ['units'], ...currencyOf(period) }, stats);
    // The catalog knows each product's category: one batch call per 1000 products sold.
    const products = await loaders.productById.loadMany([...new Set(groups.map((g) => g.key!))]);
    const categoryOf = new Map<string, string>();
    for (const product of products) {
      if (product instanceof Error) throw product;
      if (product) categoryOf.set(product.id, product.category);
    }
    const sales = new Map<string, CategorySales>();
    for (const group of groups) {
      const category = categoryOf.get(group.key!) ?? UNKNOWN_CATEGORY;
      const key = `${category}|${group.currency}`;
      const entry = sales.get(key) ?? { category, month: null, currency: group.currency, revenueCents: 0, units: 0, rateSource };
      entry.revenueCents += group.revenueCents;
      entry.units += group.units;
      sales.set(key, entry);
    }
    return [...sales.values()].sort(compareCategorySales);
  }

  /** One entry per requested id, in order: null for an unknown customer. */
  async customerSummary(ids: string[], currency: Currency | undefined, stats: DownstreamStats, loaders: RequestLoaders): Promise<Array<CustomerSummary | null | Error>> {
    const [{ groups, rateSource }, customers] = await Promise.all([
      this.aggregate({ groupBy: 'customer', customerIds: [...new Set(ids)], statuses: COUNTED_STATUSES, measures: ['orderCount', 'firstPlacedAt', 'lastPlacedAt'], ...(currency && { currency }) }, stats),
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
        return new Error(`customer ${id} has orders in several currencies (${[group, ...others].map((g) => g!.currency).join(', ')}): ask with currency to add them up converted`);
      }
      return {
        customerId: id,
        customer,
        currency: group?.currency ?? currency ?? null,
        rateSource: group ? rateSource : null,
        revenueCents: group?.revenueCents ?? 0,
        orderCount: group?.orderCount ?? 0,
        firstOrderAt: group?.firstPlacedAt ?? null,
        lastOrderAt: group?.lastPlacedAt ?? null,
      };
    });
  }

  private async aggregate<M extends AggregateMeasure>(request: AggregateOrdersRequest & { measures: M[] }, stats: DownstreamStats): Promise<{ groups: Array<OrderAggregate<M>>; rateSource: string | null }> {
    const { groups, conversion } = await this.downstream.orders.aggregate(request, stats);
    return { groups, rateSource: conversion?.rateSource ?? null };
  }
}
