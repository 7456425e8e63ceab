import { Body, Controller, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { StockCountDto, StockLevelDto, StockLevelsBatchGetDto, StockReservationDto, StockReservationRequestDto } from './stock.dto.js';
import { StockService } from './stock.service.js';

@ApiTags('stock')
@Controller('v1')
export class StockController {
  constructor(private readonly stock: StockService) {}

  @Post('stockReservations')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Reserve stock: every line or none',
    description:
      'One transaction: on hand goes down by every quantity (state RESERVED), or by nothing when a product is unknown or short (state REJECTED, with the refusal). ' +
      'Idempotent by reservationId: repeating the request returns the first answer.',
  })
  @ApiOkResponse({ type: StockReservationDto })
  reserve(@Body() body: StockReservationRequestDto) {
    return this.stock.reserve(body.reservationId, body.lines);
  }

  @Get('stockReservations/:id')
  @ApiOkResponse({ type: StockReservationDto })
  find(@Param('id') id: string) {
    return this.stock.find(id);
  }

  @Post('stockReservations/:id\\:release')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Give a reservation back',
    description: 'Idempotent. Releasing an id that was never reserved records the release, so a reservation arriving later with that id holds nothing. A committed reservation cannot be released (409).',
  })
  @ApiOkResponse({ type: StockReservationDto })
  release(@Param('id') id: string) {
    return this.stock.release(id);
  }

  @Post('stockReservations/:id\\:commit')
  @HttpCode(200)
  @ApiOperation({ summary: 'Turn a reservation into a sale', description: 'Idempotent. A released or rejected reservation cannot be committed (409).' })
  @ApiOkResponse({ type: StockReservationDto })
  commit(@Param('id') id: string) {
    return this.stock.commit(id);
  }

  @Post('stockLevels\\:batchGet')
  @HttpCode(200)
  @ApiOperation({ summary: 'On hand, reserved and committed units of up to 1000 products', description: 'One entry per id, in order; an unknown product is NOT_FOUND.' })
  async levels(@Body() body: StockLevelsBatchGetDto) {
    const levels = await this.stock.levels(body.ids);
    return {
      results: levels.map((level, index) =>
        level ? { id: body.ids[index]!, stockLevel: level } : { id: body.ids[index]!, error: { code: 'NOT_FOUND', message: `product ${body.ids[index]} does not exist` } },
      ),
    };
  }

  @Put('stockLevels/:id')
  @ApiOperation({ summary: 'A stock count: set the units on the shelf of a product' })
  @ApiOkResponse({ type: StockLevelDto })
  count(@Param('id') id: string, @Body() body: StockCountDto) {
    return this.stock.count(id, body.stockOnHand);
  }
}
