import 'reflect-metadata';
import { runSeed } from '@tributary/service-kit';
import { ordersService } from './orders-app.module.js';

await runSeed(ordersService, JSON.parse(process.argv[2]!, (key, value) => (key === 'until' ? new Date(value) : value)));
