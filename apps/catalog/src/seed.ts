import 'reflect-metadata';
import { runSeed } from '@tributary/service-kit';
import { catalogService } from './catalog-app.module.js';

await runSeed(catalogService, JSON.parse(process.argv[2]!, (key, value) => (key === 'until' ? new Date(value) : value)));
