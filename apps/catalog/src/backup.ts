// The catalog service's backups as their own command: node dist/apps/catalog/src/backup.js dump --out <file> | load --from <file>
import 'reflect-metadata';
import { runBackupCommand, runCommand } from '@tributary/service-kit';
import { catalogService } from './catalog-app.module.js';

runCommand(catalogService, (definition) => runBackupCommand(definition));
