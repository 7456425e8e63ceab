import { Module, type DynamicModule } from '@nestjs/common';
import { KeysetPager, PAGINATION_OPTIONS, type PaginationOptions } from './keyset-pager.js';

/** Provides the keyset pager, configured once per service. */
@Module({})
export class BatchApiModule {
  static forRoot(options: PaginationOptions): DynamicModule {
    return {
      module: BatchApiModule,
      global: true,
      providers: [{ provide: PAGINATION_OPTIONS, useValue: options }, KeysetPager],
      exports: [KeysetPager],
    };
  }
}
