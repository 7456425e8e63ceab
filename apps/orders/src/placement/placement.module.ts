import { Module, type DynamicModule } from '@nestjs/common';
import { OrdersModule } from '../orders/orders.module.js';
import { PlacementOrchestrator } from './placement-orchestrator.js';
import { PlacementController } from './placement.controller.js';
import type { PlacementConfig } from './placement.config.js';
import { PlacementService } from './placement.service.js';
import { PlacementStore } from './placement-store.js';
import { PLACEMENT_CONFIG } from './placement.tokens.js';

/** Order placement: the persisted process, its orchestrator, and its REST edge. */
@Module({})
export class PlacementModule {
  static register(config: PlacementConfig): DynamicModule {
    return {
      module: PlacementModule,
      imports: [OrdersModule],
      controllers: [PlacementController],
      providers: [{ provide: PLACEMENT_CONFIG, useValue: config }, PlacementStore, PlacementOrchestrator, PlacementService],
    };
  }
}
