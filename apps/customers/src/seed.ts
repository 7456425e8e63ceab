import 'reflect-metadata';
import { runSeed } from '@tributary/service-kit';
import { customersService } from './customers-app.module.js';

await runSeed(customersService, JSON.parse(process.argv[2]!, (key, value) => (key === 'until' ? new Date(value) : value)));
