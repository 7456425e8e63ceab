// The catalog service's own seed command: node dist/apps/catalog/src/seed.js --customers N --products M --orders K --seed S
import 'reflect-metadata';
import { runSeedCommand } from '@tributary/service-kit';
import { catalogService } from './catalog-app.module.js';

runSeedCommand(catalogService);
