import { Body, Controller, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { BatchResourceController } from '@tributary/batch-api';
import { BatchGetByCustomerRequestDto, BatchGetByCustomerResponseDto, CreateOrderDto, OrderDto, OrdersListQueryDto, UpdateOrderDto } from './order.dto.js';
import { OrdersService } from './orders.service.js';

@Controller('v1')
export class OrdersController extends BatchResourceController({
  collection: 'orders',
  resource: 'order',
  model: OrderDto,
  listQuery: OrdersListQueryDto,
  service: OrdersService,
}) {
  @Post('orders\\:batchGetByCustomer')
  @HttpCode(200)
  @ApiOperation({ summary: 'The orders of up to 1000 customers', description: 'One entry per requested customer id, in the requested order, each with its orders in the period (placedFrom inclusive, placedTo exclusive).' })
  @ApiOkResponse({ type: BatchGetByCustomerResponseDto })
  async batchGetByCustomer(@Body() body: BatchGetByCustomerRequestDto) {
    return { results: await this.service.findByCustomers(body) };
  }

  @Post('orders')
  @ApiOperation({ summary: 'Place an order; totalCents is computed from its lines' })
  @ApiCreatedResponse({ type: OrderDto })
  create(@Body() body: CreateOrderDto) {
    return this.service.create(body);
  }

  @Patch('orders/:id')
  @ApiOperation({ summary: 'Change the status of an order; updatedAt moves' })
  @ApiOkResponse({ type: OrderDto })
  update(@Param('id') id: string, @Body() body: UpdateOrderDto) {
    return this.service.update(id, body);
  }
}
