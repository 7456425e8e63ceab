import { Module, type DynamicModule, type FactoryProvider } from '@nestjs/common';
import { COMMITTED_BEFORE_READER, KeysetPager, PAGINATION_OPTIONS, type PaginationOptions } from './keyset-pager.js';

/**
 * Provides the keyset pager, configured once per service. `committedBefore` is the
 * provider that reads a new walk's horizon from the service's database.
 */
@Module({})
export class BatchApiModule {
  static forRoot(options: PaginationOptions, committedBefore: Omit<FactoryProvider, 'provide'>): DynamicModule {
    return {
      module: BatchApiModule,
      global: true,
      providers: [{ provide: PAGINATION_OPTIONS, useValue: options }, { provide: COMMITTED_BEFORE_READER, ...committedBefore }, KeysetPager],
      exports: [KeysetPager],
    };
  }
}
