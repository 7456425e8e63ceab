import { Body, Controller, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { BatchResourceController } from '@tributary/batch-api';
import { CreateProductDto, ProductDto, ProductsListQueryDto, UpdateProductDto } from './product.dto.js';
import { ProductsService } from './products.service.js';

@Controller('v1')
export class ProductsController extends BatchResourceController({
  collection: 'products',
  resource: 'product',
  model: ProductDto,
  listQuery: ProductsListQueryDto,
  service: ProductsService,
}) {
  @Post('products')
  @ApiOperation({ summary: 'Create a product' })
  @ApiCreatedResponse({ type: ProductDto })
  create(@Body() body: CreateProductDto) {
    return this.service.create(body);
  }

  @Patch('products/:id')
  @ApiOperation({ summary: 'Change a product; updatedAt moves' })
  @ApiOkResponse({ type: ProductDto })
  update(@Param('id') id: string, @Body() body: UpdateProductDto) {
    return this.service.update(id, body);
  }
}
