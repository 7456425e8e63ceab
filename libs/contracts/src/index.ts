export * from './aggregate.js';
export * from './batch.js';
export * from './common.js';
export * from './customer.js';
export * from './order.js';
export * from './problem.js';
export * from './product.js';
export * from './type-checks.js';
