// The orders service's pumps as their own command: node dist/apps/orders/src/pump.js [--full]
import 'reflect-metadata';
import { runCommand, runPump } from '@tributary/service-kit';
import { ordersService } from './orders-app.module.js';

runCommand(ordersService, (definition) => runPump(definition));
