// The customers service's pumps as their own command: node dist/apps/customers/src/pump.js [--full]
import 'reflect-metadata';
import { runCommand, runPump } from '@tributary/service-kit';
import { customersService } from './customers-app.module.js';

runCommand(customersService, (definition) => runPump(definition));
