export * from './align-by-id.util.js';
export * from './assert-unreachable.util.js';
export * from './domain.exception.js';
export * from './env.util.js';
export * from './json.util.js';
export * from './request-logging.js';
export * from './signed-token.codec.js';
