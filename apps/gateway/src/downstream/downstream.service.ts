import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { serviceCredentialOf } from '@tributary/core';
import { DOWNSTREAM_NAMES, type DownstreamName } from './downstream-services.js';
import { GATEWAY_CONFIG } from '../gateway.constants.js';
import type { GatewayConfig } from '../gateway.config.js';
import { GatewayMetrics } from '../operations/gateway-metrics.js';
import { CatalogApi } from './catalog.api.js';
import { CustomersApi } from './customers.api.js';
import { OrdersApi } from './orders.api.js';
import { ReportingApi } from './reporting.api.js';
import { ServiceClient } from './service-client.js';

/** The services, each behind its own pool, timeouts, retries and circuit breaker. */
@Injectable()
export class Downstream implements OnApplicationShutdown {
  readonly clients: Record<DownstreamName, ServiceClient>;
  readonly customers: CustomersApi;
  readonly orders: OrdersApi;
  readonly catalog: CatalogApi;
  /** Absent when no reporting store is configured. */
  readonly reporting?: ReportingApi;
  private readonly reportingClient?: ServiceClient;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, metrics: GatewayMetrics) {
    const options = {
      timeoutMs: config.downstreamTimeoutMs,
      attempts: config.downstreamAttempts,
      breakerThreshold: config.breakerThreshold,
      breakerHalfOpenAfterMs: config.breakerHalfOpenAfterMs,
    };
    // One credential for every client: one token to mint and renew, and for the services one to verify.
    const credential = serviceCredentialOf(config.serviceCredential, 'gateway');
    const client = (service: DownstreamName) => new ServiceClient(service, config.services[service], options, metrics, credential);
    this.clients = Object.fromEntries(DOWNSTREAM_NAMES.map((service) => [service, client(service)])) as Record<DownstreamName, ServiceClient>;
    this.customers = new CustomersApi(this.clients.customers);
    this.orders = new OrdersApi(this.clients.orders);
    this.catalog = new CatalogApi(this.clients.catalog);
    if (config.reportingUrl) {
      this.reportingClient = new ServiceClient('reporting', config.reportingUrl, options, metrics, credential);
      this.reporting = new ReportingApi(this.reportingClient);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all([...Object.values(this.clients), ...(this.reportingClient ? [this.reportingClient] : [])].map((client) => client.close()));
  }
}
