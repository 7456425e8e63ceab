import { Body, Controller, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { BatchResourceController } from '@tributary/batch-api';
import { BatchGetByCustomerRequestDto, BatchGetByCustomerResponseDto, CreateOrderDto, OrderDto, OrdersListQueryDto, toOrderDto, UpdateOrderDto } from './order.dto.js';
import { OrdersService } from './orders.service.js';

@Controller('v1')
export class OrdersController extends BatchResourceController({
  collection: 'orders',
  resource: 'order',
  model: OrderDto,
  listQuery: OrdersListQueryDto,
  service: OrdersService,
  toDto: toOrderDto,
}) {
  @Post('orders\\:batchGetByCustomer')
  @HttpCode(200)
  @ApiOperation({ summary: 'The orders of up to 1000 customers', description: 'One entry per requested customer id, in the requested order, each with its orders in the period (placedFrom inclusive, placedTo exclusive).' })
  @ApiOkResponse({ type: BatchGetByCustomerResponseDto })
  async batchGetByCustomer(@Body() body: BatchGetByCustomerRequestDto) {
    const results = await this.service.findByCustomers(body);
    return { results: results.map(({ customerId, orders }) => ({ customerId, orders: orders.map(toOrderDto) })) };
  }

  @Post('orders')
  @ApiOperation({
    summary: 'Internal: write an order as given (seeding, imports, tests)',
    description:
      'Writes the order with the prices and status it is sent, checking neither customer, products nor stock: for seeding and data imports, not for clients. ' +
      'Clients place orders with POST /v1/orderPlacements, which prices them from the catalog and reserves their stock. totalCents is computed from the lines.',
  })
  @ApiCreatedResponse({ type: OrderDto })
  async create(@Body() body: CreateOrderDto) {
    return toOrderDto(await this.service.create(body));
  }

  @Patch('orders/:id')
  @ApiOperation({ summary: 'Change the status of an order; updatedAt moves' })
  @ApiOkResponse({ type: OrderDto })
  async update(@Param('id') id: string, @Body() body: UpdateOrderDto) {
    return toOrderDto(await this.service.update(id, body));
  }
}
