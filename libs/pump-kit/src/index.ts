export * from './pump.config.js';
export * from './pump.module.js';
export * from './pump-runner.js';
export * from './pump-scheduler.js';
export * from './pump-source.js';
export * from './reporting-store.client.js';
export * from './pump.tokens.js';
