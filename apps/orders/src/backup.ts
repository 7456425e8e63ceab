// The orders service's backups as their own command: node dist/apps/orders/src/backup.js dump --out <file> | load --from <file>
import 'reflect-metadata';
import { runBackupCommand, runCommand } from '@tributary/service-kit';
import { ordersService } from './orders-app.module.js';

runCommand(ordersService, (definition) => runBackupCommand(definition));
