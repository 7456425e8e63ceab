import { Module, type DynamicModule } from '@nestjs/common';
import { GATEWAY_CONFIG } from '../gateway.constants.js';
import type { GatewayConfig } from '../gateway.config.js';
import { LoadersFactory } from '../loaders/request-loaders.js';
import { ConnectionCursors } from '../pagination/connection-cursor.util.js';
import { GatewayMetrics } from '../operations/gateway-metrics.js';
import { Downstream } from './downstream.service.js';

/** The gateway's config, its clients of the services, the loaders over them, connection cursors and metrics. */
@Module({})
export class DownstreamModule {
  static forRoot(config: GatewayConfig): DynamicModule {
    return {
      module: DownstreamModule,
      global: true,
      providers: [
        { provide: GATEWAY_CONFIG, useValue: config },
        { provide: ConnectionCursors, useValue: new ConnectionCursors(config.cursorSecret) },
        GatewayMetrics,
        Downstream,
        LoadersFactory,
      ],
      exports: [GATEWAY_CONFIG, ConnectionCursors, GatewayMetrics, Downstream, LoadersFactory],
    };
  }
}
