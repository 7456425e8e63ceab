import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray } from 'class-validator';
import type { EventsApplied } from '@tributary/contracts';
import { EventApplyService } from './event-apply.service.js';

export const MAX_EVENTS_PER_REQUEST = 10_000;

export class ApplyEventsDto {
  @ApiProperty({ description: `Domain events (libs/contracts DomainEvent), at most ${MAX_EVENTS_PER_REQUEST}. One that cannot be applied is set aside as a dead letter; the others are applied.` })
  @IsArray()
  @ArrayMaxSize(MAX_EVENTS_PER_REQUEST)
  events!: unknown[];
}

/** Where a service's outbox relay delivers when no broker is configured (the embedded default). */
@ApiTags('events')
@Controller('v1')
export class EventsController {
  constructor(private readonly events: EventApplyService) {}

  @Post('events\\:apply')
  @HttpCode(200)
  @ApiOperation({ summary: 'Applies domain events as the JetStream consumer does: each once (by id), only when newer than the stored version.' })
  apply(@Body() body: ApplyEventsDto): Promise<EventsApplied> {
    return this.events.apply(body.events.map((event) => ({ text: JSON.stringify(event), origin: 'relay' })));
  }
}
