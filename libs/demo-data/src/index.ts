export * from './demo-data.js';
export * from './random.util.js';
export * from './seed-progress.js';
export * from './demo-data-args.js';
export * from './demo-rates.js';
