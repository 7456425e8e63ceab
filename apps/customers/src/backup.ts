// The customers service's backups as their own command: node dist/apps/customers/src/backup.js dump --out <file> | load --from <file>
import 'reflect-metadata';
import { runBackupCommand, runCommand } from '@tributary/service-kit';
import { customersService } from './customers-app.module.js';

runCommand(customersService, (definition) => runBackupCommand(definition));
