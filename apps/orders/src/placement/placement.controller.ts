import { Body, Controller, Get, Param, Post, Query, Res } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { UUID_PATTERN } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { OrderPlacementDto, OrderPlacementRequestDto, PlacementWaitQueryDto } from './placement.dto.js';
import { PlacementService } from './placement.service.js';

@ApiTags('order placements')
@Controller('v1')
export class PlacementController {
  constructor(private readonly placements: PlacementService) {}

  @Post('orderPlacements')
  @ApiOperation({
    summary: 'Place an order: customer check, stock reservation, confirmation, as one process',
    description:
      'Answers 202 with the placement in REQUESTED; follow it with GET /v1/orderPlacements/{id}. Prices come from the catalog. ' +
      'The same idempotencyKey with the same request answers 200 with the placement it made; with another request, 409.',
  })
  @ApiAcceptedResponse({ type: OrderPlacementDto })
  @ApiOkResponse({ type: OrderPlacementDto, description: 'The placement made before with this idempotency key.' })
  async request(@Body() body: OrderPlacementRequestDto, @Res({ passthrough: true }) response: Response) {
    const { placement, created } = await this.placements.request(body);
    response.status(created ? 202 : 200).location(`/v1/orderPlacements/${placement.id}`);
    return placement;
  }

  @Get('orderPlacements/:id')
  @ApiOperation({ summary: 'A placement and its state; with waitSeconds, answers as soon as it ends (or when the time is up)' })
  @ApiOkResponse({ type: OrderPlacementDto })
  find(@Param('id') id: string, @Query() query: PlacementWaitQueryDto) {
    if (!UUID_PATTERN.test(id)) throw DomainException.notFound('order placement', id);
    return this.placements.find(id, query.waitSeconds);
  }
}
