import 'reflect-metadata';
import { runService } from '@tributary/service-kit';
import { ordersService } from './orders-app.module.js';

await runService(ordersService);
