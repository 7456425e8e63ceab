export * from './browser.js';
export * from './service-under-test.js';
export * from './test-databases.js';
export * from './fingerprint.js';
export * from './data-factory.js';
export * from './fake-service.js';
export * from './synthetic-store.js';
export * from './free-ports.js';
