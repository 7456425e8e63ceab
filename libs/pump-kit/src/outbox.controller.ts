import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { OutboxRelay } from './outbox-relay.js';
import { OutboxRelayLoop, type RelayStatus } from './outbox-relay-loop.js';

/** How the service's outbox relay is doing: for operators, and for tests that wait for it. */
@ApiTags('reporting pump')
@Controller('v1')
export class OutboxController {
  constructor(
    @Inject(OutboxRelay) private readonly relay: OutboxRelay,
    @Inject(OutboxRelayLoop) private readonly loop: OutboxRelayLoop,
  ) {}

  @Get('outbox')
  @ApiOperation({ summary: "Events written and not yet published, the oldest one's age, and what this instance's relay has published since it started." })
  async status(): Promise<{ unpublished: number; oldestSeconds: number | null; relay: RelayStatus }> {
    const { events, oldestSeconds } = await this.relay.backlog();
    return { unpublished: events, oldestSeconds, relay: this.loop.status };
  }
}
