import { ApolloDriver, type ApolloDriverConfig } from '@nestjs/apollo';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Module, type DynamicModule } from '@nestjs/common';
import { GraphQLModule } from '@nestjs/graphql';
import { ApolloArmor } from '@escape.tech/graphql-armor';
import { DateTimeResolver } from 'graphql-scalars';
import { tracingEnabled } from '@tributary/core';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import type { AuditLog } from './auth/audit-log.js';
import { applyAccessList } from './auth/schema-access.js';
import { CatalogModule } from './catalog/catalog.module.js';
import { CustomersModule } from './customers/customers.module.js';
import { DownstreamStats } from './downstream/downstream-stats.js';
import { DownstreamModule } from './downstream/downstream.module.js';
import { ExportsModule } from './exports/exports.module.js';
import type { GatewayConfig } from './gateway.config.js';
import { readMasksPlugin, type ReadMasks } from './loaders/read-masks.js';
import { LoadersFactory } from './loaders/request-loaders.js';
import { RateLimitModule } from './limits/rate-limit.module.js';
import { queryCostPlugin } from './limits/query-cost.plugin.js';
import { trustedDocumentsPlugin } from './limits/trusted-documents.js';
import { GatewayMetrics } from './operations/gateway-metrics.js';
import { formatGraphQLError } from './operations/graphql-errors.js';
import { compiledExecutionPlugin } from './operations/compiled-execution.plugin.js';
import { tracingPlugin } from './operations/tracing.plugin.js';
import { downstreamExtensionPlugin, freshnessExtensionPlugin, metricsPlugin, requestErrorStatusPlugin } from './operations/graphql-plugins.js';
import { HealthController } from './operations/health.controller.js';
import { MetricsController } from './operations/metrics.controller.js';
import { OrdersModule } from './orders/orders.module.js';
import { PlacementsModule } from './placements/placements.module.js';
import { ReportFreshness } from './reports/report-source.js';
import { ReportingStatusModule } from './reporting/reporting-status.module.js';
import { ReportsModule } from './reports/reports.module.js';

/**
 * Limits checked before execution; a query over them is refused with a clear error.
 * The cost (limits/query-cost.plugin.ts) multiplies a list by its rows, variables
 * included: 1000 orders with their customers and their lines' products cost 61,813.
 */
export const QUERY_LIMITS = { maxDepth: 10, maxCost: 200_000, maxAliases: 15, maxDirectives: 20, maxTokens: 2000 };

@Module({})
export class GatewayAppModule {
  static register(config: GatewayConfig, audit: AuditLog): DynamicModule {
    const armor = new ApolloArmor({
      maxDepth: { n: QUERY_LIMITS.maxDepth },
      // Cost is computed with the variables applied, once the operation is known: queryCostPlugin.
      costLimit: { enabled: false },
      maxAliases: { n: QUERY_LIMITS.maxAliases },
      maxDirectives: { n: QUERY_LIMITS.maxDirectives },
      // graphql-armor counts tokens in a plugin that parses the document itself and
      // throws: Apollo answers a plugin's error with a 500, even for a plain syntax
      // error. graphql-js's parser counts them as it parses (parseOptions below), and a
      // document over the limit is then the parse error, 400, that it is.
      maxTokens: { enabled: false },
      blockFieldSuggestion: { enabled: !config.development },
    });
    const protection = armor.protect();
    return {
      module: GatewayAppModule,
      imports: [
        DownstreamModule.forRoot(config),
        RateLimitModule.forRoot(config.rateLimit),
        GraphQLModule.forRootAsync<ApolloDriverConfig>({
          driver: ApolloDriver,
          inject: [LoadersFactory, GatewayMetrics],
          useFactory: (loaders: LoadersFactory, metrics: GatewayMetrics) => ({
            autoSchemaFile: true,
            sortSchema: true,
            // graphql-scalars' DateTime takes the services' ISO strings as they come.
            buildSchemaOptions: { scalarsMap: [{ type: Date, scalar: DateTimeResolver }] },
            // Who may use each root field: auth/access-list.ts.
            transformSchema: (schema) => applyAccessList(schema, audit),
            path: '/graphql',
            playground: false,
            introspection: config.development,
            csrfPrevention: true,
            // A fresh set of loaders and counters per request: nothing cached is ever
            // shared between requests or users.
            context: ({ req, res }: { req: IncomingMessage; res: ServerResponse }) => {
              const clientGone = new AbortController();
              res.once('close', () => {
                if (!res.writableFinished) clientGone.abort();
              });
              const downstream = new DownstreamStats(clientGone.signal);
              const readMasks: ReadMasks = {};
              return { downstream, readMasks, loaders: loaders.create(downstream, readMasks), freshness: new ReportFreshness(), principal: req.principal };
            },
            // Nest's driver types Apollo's CommonJS build and these come from its ES build:
            // the same objects under two declarations.
            plugins: [
              ApolloServerPluginLandingPageDisabled(),
              // Apollo's default cache-control plugin hooks every field (willResolveField),
              // which wraps every resolver of every row in promise bookkeeping: the largest
              // cost of a 1000-order page. Nothing here sets cache hints.
              ApolloServerPluginCacheControlDisabled(),
              ...(config.trustedDocuments ? [trustedDocumentsPlugin(config.trustedDocuments)] : []),
              ...protection.plugins,
              queryCostPlugin(QUERY_LIMITS.maxCost),
              requestErrorStatusPlugin(),
              // Off, not even registered: no hook runs. Before compiledExecutionPlugin (its execute span).
              ...(tracingEnabled() ? [tracingPlugin()] : []),
              ...(config.compiledExecution ? [compiledExecutionPlugin()] : []),
              readMasksPlugin(),
              metricsPlugin(metrics),
              ...(config.downstreamExtension ? [downstreamExtensionPlugin({ traceId: config.development && tracingEnabled() })] : []),
              freshnessExtensionPlugin(),
            ] as ApolloDriverConfig['plugins'],
            validationRules: protection.validationRules,
            parseOptions: { maxTokens: QUERY_LIMITS.maxTokens },
            formatError: formatGraphQLError,
            includeStacktraceInErrorResponses: false,
          }),
        }),
        CustomersModule,
        CatalogModule,
        OrdersModule,
        PlacementsModule,
        ReportsModule,
        ReportingStatusModule,
        ExportsModule.register(audit),
      ],
      controllers: [HealthController, MetricsController],
    };
  }
}
