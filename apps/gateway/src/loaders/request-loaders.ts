import type { Principal } from '../auth/principal.js';
import { createParamDecorator, Inject, Injectable, type ExecutionContext } from '@nestjs/common';
import { GqlExecutionContext } from '@nestjs/graphql';
import { alignByIds, inSpan } from '@tributary/core';
import { MAX_BATCH_SIZE, type BatchGetResponse, type Customer, type Order, type PlacedPeriod, type Product } from '@tributary/contracts';
import DataLoader from 'dataloader';
import type { DownstreamStats } from '../downstream/downstream-stats.js';
import { Downstream } from '../downstream/downstream.service.js';
import { GATEWAY_CONFIG } from '../gateway.constants.js';
import type { GatewayConfig } from '../gateway.config.js';
import { GatewayMetrics } from '../operations/gateway-metrics.js';
import type { ReportFreshness } from '../reports/report-source.js';
import type { ReadMasks } from './read-masks.js';

export interface CustomerOrdersKey extends PlacedPeriod {
  customerId: string;
}

/** The loaders of one GraphQL request; never shared between requests or users. */
export interface RequestLoaders {
  customerById: DataLoader<string, Customer | null>;
  productById: DataLoader<string, Product | null>;
  orderById: DataLoader<string, Order | null>;
  ordersByCustomer: DataLoader<CustomerOrdersKey, Order[], string>;
}

/** What every GraphQL resolver receives as its context. */
export interface GatewayContext {
  loaders: RequestLoaders;
  downstream: DownstreamStats;
  /** Which source served each report: `extensions.freshness`. */
  freshness: ReportFreshness;
  /** Which fields of each resource the request's operation reads (readMasksPlugin). */
  readMasks: ReadMasks;
  /** Who asked: set by the authentication middleware on every request it lets through. */
  principal?: Principal;
}

/** A batchGet result as a value per key: the resource, or null where it does not exist. */
function resourcesByKey<K extends string, T>(resourceKey: K, keys: readonly string[], response: BatchGetResponse<K, T>): Array<T | null> {
  // Matched by id, never by position: a service that reorders still answers right.
  return alignByIds(keys, response.results, (entry) => entry.id).map((entry) =>
    entry && resourceKey in entry ? (entry as Record<K, T>)[resourceKey] : null,
  );
}

const periodKey = (key: PlacedPeriod) => `${key.placedFrom ?? ''}|${key.placedTo ?? ''}`;

/**
 * Builds each request's loaders in the GraphQL context factory, so that loaders are
 * per request without request-scoped providers. Every loader batches up to the
 * services' limit of 1000 keys per call and deduplicates keys within the request;
 * with TRIBUTARY_BATCHING=off, every key is its own call (the naive baseline).
 */
@Injectable()
export class LoadersFactory {
  constructor(
    private readonly downstream: Downstream,
    private readonly metrics: GatewayMetrics,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  /** `masks` are the request's read masks, set once its operation is known (readMasksPlugin), before any loader runs. */
  create(stats: DownstreamStats, masks: ReadMasks = {}): RequestLoaders {
    const { customers, orders, catalog } = this.downstream;
    return {
      customerById: this.loader('customerById', async (ids) => resourcesByKey('customer', ids, await customers.batchGet(ids, stats, masks.customer))),
      productById: this.loader('productById', async (ids) => resourcesByKey('product', ids, await catalog.batchGet(ids, stats, masks.product))),
      orderById: this.loader('orderById', async (ids) => resourcesByKey('order', ids, await orders.batchGet(ids, stats, masks.order))),
      ordersByCustomer: this.loader(
        'ordersByCustomer',
        async (keys) => {
          // One call per distinct period (a request usually has one).
          const byPeriod = new Map<string, CustomerOrdersKey[]>();
          for (const key of keys) {
            const group = byPeriod.get(periodKey(key));
            if (group) group.push(key);
            else byPeriod.set(periodKey(key), [key]);
          }
          const answers = new Map<string, Order[]>();
          await Promise.all(
            [...byPeriod.values()].map(async (group) => {
              const customerIds = [...new Set(group.map((key) => key.customerId))];
              const { placedFrom, placedTo } = group[0]!;
              const { results } = await orders.batchGetByCustomer(customerIds, { placedFrom, placedTo }, stats);
              for (const result of results) answers.set(`${result.customerId}|${periodKey(group[0]!)}`, result.orders);
            }),
          );
          return keys.map((key) => answers.get(`${key.customerId}|${periodKey(key)}`) ?? []);
        },
        (key) => `${key.customerId}|${periodKey(key)}`,
      ),
    };
  }

  private loader<K, V, C = K>(name: string, fetch: (keys: readonly K[]) => Promise<V[]>, cacheKeyFn?: (key: K) => C): DataLoader<K, V, C> {
    const batching = this.config.batching;
    return new DataLoader<K, V, C>(
      async (keys) => {
        this.metrics.loaderBatchSize.observe({ loader: name }, keys.length);
        // One span per batch, never per key: its downstream call is its child.
        return inSpan(`dataloader ${name}`, { 'dataloader.name': name, 'dataloader.keys': keys.length }, () => fetch(keys));
      },
      { name, maxBatchSize: MAX_BATCH_SIZE, batch: batching, cache: batching, ...(cacheKeyFn ? { cacheKeyFn } : {}) },
    );
  }
}

/**
 * FAST_FIELD_RESOLVER: a field resolved once per row (an order's customer, a line's
 * product) takes graphql-js's own (parent, args, context) and no parameter decorators.
 * Nest then hands the method to graphql-js as it is; with decorators it would build an
 * execution context and run the param factories and pipes for each of the thousands
 * of rows of a page.
 *
 *   customer(order: Order, _args: unknown, { loaders }: GatewayContext) { … }
 *
 * Resolvers called once per request use the decorators below.
 */

/** The request's loaders, in a resolver called once per request: `@Loaders() loaders`. */
export const Loaders = createParamDecorator((_: unknown, context: ExecutionContext): RequestLoaders => {
  return GqlExecutionContext.create(context).getContext<GatewayContext>().loaders;
});

/** What the request caused downstream, for resolvers that call services directly. */
export const RequestStats = createParamDecorator((_: unknown, context: ExecutionContext): DownstreamStats => {
  return GqlExecutionContext.create(context).getContext<GatewayContext>().downstream;
});
