import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { BatchResourceController } from '@tributary/batch-api';
import { CreateCustomerDto, CustomerDto, toCustomerDto, UpdateCustomerDto } from './customer.dto.js';
import { CustomersService } from './customers.service.js';

@Controller('v1')
export class CustomersController extends BatchResourceController({ collection: 'customers', resource: 'customer', model: CustomerDto, service: CustomersService, toDto: toCustomerDto }) {
  @Post('customers')
  @ApiOperation({ summary: 'Create a customer' })
  @ApiCreatedResponse({ type: CustomerDto })
  async create(@Body() body: CreateCustomerDto) {
    return toCustomerDto(await this.service.create(body));
  }

  @Patch('customers/:id')
  @ApiOperation({ summary: 'Change a customer; updatedAt moves' })
  @ApiOkResponse({ type: CustomerDto })
  async update(@Param('id') id: string, @Body() body: UpdateCustomerDto) {
    return toCustomerDto(await this.service.update(id, body));
  }
}
