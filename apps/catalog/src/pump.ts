// The catalog service's pumps as their own command: node dist/apps/catalog/src/pump.js [--full]
import 'reflect-metadata';
import { runCommand, runPump } from '@tributary/service-kit';
import { catalogService } from './catalog-app.module.js';

runCommand(catalogService, (definition) => runPump(definition));
