import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { RateLimiter } from './rate-limiter.js';

/** Whom a request counts against: its principal, or its address before authentication has named one. */
export function clientIdOf(request: IncomingMessage): string {
  return request.principal?.clientId ?? `ip:${request.socket.remoteAddress ?? 'unknown'}`;
}

/**
 * One token per request to /graphql from its client's bucket, after authentication and
 * before the body is read: a client over its rate gets 429 with `Retry-After` (whole
 * seconds) and a GraphQL-shaped body, and costs nothing downstream. Every answer carries
 * `RateLimit-Limit` and `RateLimit-Remaining`. CORS preflights are not counted.
 */
export function rateLimitMiddleware(limiter: RateLimiter, logger: Logger) {
  const { burst, perSecond } = limiter.config;
  return (request: IncomingMessage, response: ServerResponse, next: () => void) => {
    if (request.method === 'OPTIONS') return next();
    limiter.take(clientIdOf(request)).then(
      (decision) => {
        response.setHeader('ratelimit-limit', String(burst));
        response.setHeader('ratelimit-remaining', String(decision.remaining));
        if (decision.allowed) return next();
        const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        response.statusCode = 429;
        response.setHeader('retry-after', String(retryAfterSeconds));
        response.setHeader('content-type', 'application/json; charset=utf-8');
        const message = `rate limit exceeded: a client may send ${burst} requests at once and ${perSecond} per second after that; retry in ${retryAfterSeconds} s`;
        response.end(JSON.stringify({ errors: [{ message, extensions: { code: 'RATE_LIMITED', retryAfterSeconds, burst, perSecond } }] }));
      },
      // The stores never reject; should one, the request is served rather than failed.
      (error: Error) => {
        logger.error({ err: error }, 'rate limit check failed; request let through');
        next();
      },
    );
  };
}
