export * from './bulk-load.util.js';
export * from './database-handle.js';
export * from './database.module.js';
export * from './migrations.js';
export * from './prisma.service.js';
export * from './project-path.util.js';
export * from './unique-violation.util.js';
export * from './write-horizon.js';
