import { Controller } from '@nestjs/common';
import { BatchResourceController } from '@tributary/batch-api';
import { RATES_BASE_CURRENCY } from '@tributary/contracts';
import { RateDto, RatesListQueryDto, toRateDto } from './rate.dto.js';
import { malformedRateId, RATE_ID_EXAMPLE } from './rate-id.util.js';
import { RatesService } from './rates.service.js';

/**
 * Exchange rates against EUR, as the ECB publishes them (`npm run rates:load`): read
 * only, by the batch contract. A batchGet asks for the rate in effect on a day.
 */
@Controller('v1')
export class RatesController extends BatchResourceController({
  collection: 'rates',
  resource: 'rate',
  model: RateDto,
  listQuery: RatesListQueryDto,
  service: RatesService,
  toDto: toRateDto,
  malformedId: malformedRateId,
  batchGetDescription:
    `Ids are YYYY-MM-DD:CUR, such as ${RATE_ID_EXAMPLE}; a malformed one is a 400 naming ids[i]. Each answer is the rate in effect on the day asked: ` +
    'the latest rate of the currency on or before it (a weekend or holiday has the rate of the last business day), with date and id as asked and rateDate the day of the rate used. ' +
    `${RATES_BASE_CURRENCY}, the base, is 1 on every day (source base). A currency without a rate on or before the day is NOT_FOUND.`,
}) {}
