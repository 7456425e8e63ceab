import { Body, Controller, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CreditCheckDto, CreditCheckRequestDto, CreditTermsDto } from './credit.dto.js';
import { CreditService } from './credit.service.js';

@ApiTags('credit')
@Controller('v1')
export class CreditController {
  constructor(private readonly credit: CreditService) {}

  @Post('customers/:id\\:checkCredit')
  @HttpCode(200)
  @ApiOperation({
    summary: 'May this customer place an order of this amount?',
    description: 'Yes, or no with the reason: UNKNOWN_CUSTOMER, CUSTOMER_BLOCKED or CREDIT_LIMIT_EXCEEDED (the amount is above the limit per order). Reads only.',
  })
  @ApiOkResponse({ type: CreditCheckDto })
  check(@Param('id') id: string, @Body() body: CreditCheckRequestDto) {
    return this.credit.check(id, body.amountCents);
  }

  @Put('customers/:id/credit')
  @ApiOperation({ summary: "Set a customer's credit terms: the limit per order, and whether it is blocked" })
  @ApiOkResponse({ type: CreditTermsDto })
  setTerms(@Param('id') id: string, @Body() body: CreditTermsDto) {
    return this.credit.setTerms(id, body);
  }
}
