import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { ServiceName } from '@tributary/service-kit';
import { GATEWAY_CONFIG } from '../gateway.constants.js';
import type { GatewayConfig } from '../gateway.config.js';
import { GatewayMetrics } from '../operations/gateway-metrics.js';
import { CatalogApi } from './catalog.api.js';
import { CustomersApi } from './customers.api.js';
import { OrdersApi } from './orders.api.js';
import { ServiceClient } from './service-client.js';

/** The three services, each behind its own pool, timeouts, retries and circuit breaker. */
@Injectable()
export class Downstream implements OnApplicationShutdown {
  readonly clients: Record<ServiceName, ServiceClient>;
  readonly customers: CustomersApi;
  readonly orders: OrdersApi;
  readonly catalog: CatalogApi;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig, metrics: GatewayMetrics) {
    const options = {
      timeoutMs: config.downstreamTimeoutMs,
      attempts: config.downstreamAttempts,
      breakerThreshold: config.breakerThreshold,
      breakerHalfOpenAfterMs: config.breakerHalfOpenAfterMs,
    };
    const client = (service: ServiceName) => new ServiceClient(service, config.services[service], options, metrics);
    this.clients = { customers: client('customers'), orders: client('orders'), catalog: client('catalog') };
    this.customers = new CustomersApi(this.clients.customers);
    this.orders = new OrdersApi(this.clients.orders);
    this.catalog = new CatalogApi(this.clients.catalog);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(Object.values(this.clients).map((client) => client.close()));
  }
}
