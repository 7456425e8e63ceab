import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AggregateOrdersRequestDto, AggregateOrdersResponseDto } from './orders-aggregate.dto.js';
import { OrdersAggregateService } from './orders-aggregate.service.js';

@ApiTags('orders')
@Controller('v1')
export class OrdersAggregateController {
  constructor(private readonly aggregates: OrdersAggregateService) {}

  @Post('orders\\:aggregate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Revenue, order count, units and distinct customers, grouped by customer, product, month or nothing',
    description: 'Computed in SQL over the orders placed in [placedFrom, placedTo) with the given statuses. Groups never mix currencies: with `currency`, every amount is converted into it at its day\'s rate.',
  })
  @ApiOkResponse({ type: AggregateOrdersResponseDto })
  async aggregate(@Body() body: AggregateOrdersRequestDto) {
    return this.aggregates.aggregate(body);
  }
}
