import 'reflect-metadata';
import { runSeed } from '@tributary/service-kit';
import { catalogService } from './catalog-app.module.js';

await runSeed(catalogService);
