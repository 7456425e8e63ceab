import type { LoggerService } from '@nestjs/common';
import { pino, type DestinationStream, type Logger } from 'pino';
import { pinoHttp } from 'pino-http';
import type { LogSettings } from './env.util.js';
import { traceFields, tracingEnabled } from './tracing.js';

/**
 * One pino logger per app: JSON lines, or readable ones for people watching `npm start`.
 * A destination other than stdout is for tests that read what an app logs.
 */
export function createAppLogger(name: string, { logLevel, logFormat }: LogSettings, destination?: DestinationStream): Logger {
  // With tracing on, every line carries the active span's trace_id and span_id; off, no mixin runs at all.
  const options = { name, level: logLevel, ...(tracingEnabled() ? { mixin: traceFields } : {}) };
  if (destination) return pino(options, destination);
  return pino({ ...options, ...(logFormat === 'pretty' ? { transport: { target: 'pino-pretty', options: { singleLine: true, ignore: 'pid,hostname', translateTime: 'SYS:HH:MM:ss.l' } } } : {}) });
}

/**
 * One log line per request, with its status and responseTime in ms. Plain pino-http:
 * request-scoped loggers through AsyncLocalStorage (nestjs-pino) turn on promise hooks
 * for every promise on Node 20, which cost a GraphQL request with thousands of
 * resolver promises about a fifth of its CPU.
 */
export function requestLogging(logger: Logger) {
  return pinoHttp({
    logger,
    // The pumps' steady traffic (a checkpoint and a batch per table every second) would bury everything else.
    customLogLevel: (req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode < 400 && isPumpTraffic(req.url) ? 'debug' : 'info'),
    serializers: {
      req: (req: { method: string; url: string }) => ({ method: req.method, url: req.url }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
  });
}

export function isPumpTraffic(url: string | undefined): boolean {
  return url !== undefined && (url.startsWith('/v1/pumps/') || /^\/v1\/[a-z]+:checksum/.test(url));
}

/** Nest's own logs (start-up, errors) through the same pino logger. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]) {
    this.write('info', message, params);
  }
  error(message: unknown, ...params: unknown[]) {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]) {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]) {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]) {
    this.write('trace', message, params);
  }
  fatal(message: unknown, ...params: unknown[]) {
    this.write('fatal', message, params);
  }

  /** Nest passes the context as the last string parameter, and a stack before it for errors. */
  private write(level: 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal', message: unknown, params: unknown[]) {
    const context = typeof params.at(-1) === 'string' ? (params.at(-1) as string) : undefined;
    if (message instanceof Error) this.logger[level]({ err: message, context }, message.message);
    else if (message !== null && typeof message === 'object') this.logger[level]({ ...message, context });
    else this.logger[level]({ context }, String(message));
  }
}
