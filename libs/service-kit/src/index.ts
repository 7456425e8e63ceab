export * from './create-service-app.js';
export * from './health.controller.js';
export * from './service-kit.module.js';
export * from './service.config.js';
export * from './run-service.js';
export * from './seeder.js';
export * from './backup.js';
