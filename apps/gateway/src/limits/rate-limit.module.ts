import { Module, type DynamicModule } from '@nestjs/common';
import type { RateLimitConfig } from './rate-limit.config.js';
import { RateLimiter } from './rate-limiter.js';

/** The rate limiter, as a provider so that its Redis connection closes with the app; no provider when limits are off. */
@Module({})
export class RateLimitModule {
  static forRoot(config: RateLimitConfig | null): DynamicModule {
    const providers = config ? [{ provide: RateLimiter, useFactory: () => new RateLimiter(config) }] : [];
    return { module: RateLimitModule, providers, exports: providers };
  }
}
