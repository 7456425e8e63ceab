export class ConfigError extends Error {}

export type Env = Readonly<Record<string, string | undefined>>;

/** An integer setting within [min, max], or the fallback when unset. */
export function integerFromEnv(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** An on/off setting: on, true, yes, 1 or off, false, no, 0. */
export function switchFromEnv(env: Env, name: string, fallback: boolean): boolean {
  const raw = env[name]?.toLowerCase();
  if (raw === undefined || raw === '') return fallback;
  if (['1', 'true', 'yes', 'on'].includes(raw)) return true;
  if (['0', 'false', 'no', 'off'].includes(raw)) return false;
  throw new ConfigError(`${name} must be on or off, got ${JSON.stringify(env[name])}`);
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];
/** json: one JSON object per line, for log shippers; pretty: for people watching `npm start`. */
export type LogFormat = 'json' | 'pretty';

export interface LogSettings {
  logLevel: LogLevel;
  logFormat: LogFormat;
}

/** `LOG_LEVEL` (info) and `LOG_FORMAT` (json). */
export function logSettingsFromEnv(env: Env): LogSettings {
  const logLevel = (env.LOG_LEVEL ?? 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const logFormat = (env.LOG_FORMAT ?? 'json') as LogFormat;
  if (logFormat !== 'json' && logFormat !== 'pretty') throw new ConfigError('LOG_FORMAT must be json or pretty');
  return { logLevel, logFormat };
}

/** A service's http(s) base URL without a trailing slash, or the fallback when unset. */
export function baseUrlFromEnv(env: Env, name: string, fallback: string): string {
  const url = (env[name] ?? fallback).replace(/\/$/, '');
  if (!/^https?:\/\/[^/]+$/.test(url)) throw new ConfigError(`${name} must be an http(s) base URL such as ${fallback}, got ${JSON.stringify(env[name])}`);
  return url;
}
