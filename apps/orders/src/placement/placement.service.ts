import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable } from '@nestjs/common';
import { FINAL_PLACEMENT_STATES, type OrderPlacement, type OrderPlacementRequest, type PlacementState } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { PlacementOrchestrator } from './placement-orchestrator.js';
import { PLACEMENT_CONFIG } from './placement.tokens.js';
import type { PlacementConfig } from './placement.config.js';
import { PlacementStore, toPlacementDto } from './placement-store.js';

const WAIT_POLL_MS = 100;

@Injectable()
export class PlacementService {
  constructor(
    @Inject(PLACEMENT_CONFIG) private readonly config: PlacementConfig,
    private readonly store: PlacementStore,
    private readonly orchestrator: PlacementOrchestrator,
  ) {}

  /** Records the request (or finds the one made with its key) and lets the orchestrator take it. */
  async request(request: OrderPlacementRequest): Promise<{ placement: OrderPlacement; created: boolean }> {
    const { placement, created } = await this.store.request(request, this.config.deadlineMs);
    if (created) this.orchestrator.notify();
    return { placement: toPlacementDto(placement), created };
  }

  /** The placement now, or once it has ended if that comes within `waitSeconds`. */
  async find(id: string, waitSeconds = 0): Promise<OrderPlacement> {
    const until = Date.now() + waitSeconds * 1000;
    for (;;) {
      const row = await this.store.find(id);
      if (!row) throw DomainException.notFound('order placement', id);
      if (FINAL_PLACEMENT_STATES.includes(row.state as PlacementState) || Date.now() >= until) return toPlacementDto(row);
      await sleep(WAIT_POLL_MS);
    }
  }
}
