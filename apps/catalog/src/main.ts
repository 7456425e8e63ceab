import 'reflect-metadata';
import { runService } from '@tributary/service-kit';
import { catalogService } from './catalog-app.module.js';

await runService(catalogService);
