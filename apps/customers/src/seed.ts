// The customers service's own seed command: node dist/apps/customers/src/seed.js --customers N --products M --orders K --seed S
import 'reflect-metadata';
import { runSeedCommand } from '@tributary/service-kit';
import { customersService } from './customers-app.module.js';

runSeedCommand(customersService);
