// The orders service's own seed command: node dist/apps/orders/src/seed.js --customers N --products M --orders K --seed S
import 'reflect-metadata';
import { runSeedCommand } from '@tributary/service-kit';
import { ordersService } from './orders-app.module.js';

runSeedCommand(ordersService);
