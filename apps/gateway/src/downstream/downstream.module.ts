import { Module, type DynamicModule } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../gateway.constants.js';
import type { GatewayConfig } from '../gateway.config.js';
import { LoadersFactory } from '../loaders/request-loaders.js';
import { GatewayMetrics } from '../operations/gateway-metrics.js';
import { Downstream } from './downstream.service.js';

/** The gateway's config, its clients of the three services, the loaders over them, and metrics. */
@Module({})
export class DownstreamModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: DownstreamModule,
      global: true,
      providers: [{ provide: GATEWAY_CONFIG, useValue: config }, GatewayMetrics, Downstream, LoadersFactory],
      exports: [GATEWAY_CONFIG, GatewayMetrics, Downstream, LoadersFactory],
    };
  }
}
