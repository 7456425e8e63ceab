import 'reflect-metadata';
import { runSeed } from '@tributary/service-kit';
import { ordersService } from './orders-app.module.js';

await runSeed(ordersService);
