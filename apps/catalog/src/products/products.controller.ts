import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { BatchResourceController } from '@tributary/batch-api';
import { CreateProductDto, ProductDto, ProductsListQueryDto, toProductDto, UpdateProductDto } from './product.dto.js';
import { ProductsService } from './products.service.js';

@Controller('v1')
export class ProductsController extends BatchResourceController({
  collection: 'products',
  resource: 'product',
  model: ProductDto,
  listQuery: ProductsListQueryDto,
  service: ProductsService,
  toDto: toProductDto,
}) {
  @Post('products')
  @ApiOperation({ summary: 'Create a product' })
  @ApiCreatedResponse({ type: ProductDto })
  async create(@Body() body: CreateProductDto) {
    return toProductDto(await this.service.create(body));
  }

  @Patch('products/:id')
  @ApiOperation({ summary: 'Change a product; updatedAt moves' })
  @ApiOkResponse({ type: ProductDto })
  async update(@Param('id') id: string, @Body() body: UpdateProductDto) {
    return toProductDto(await this.service.update(id, body));
  }
}
