import 'reflect-metadata';
import { runSeed } from '@tributary/service-kit';
import { customersService } from './customers-app.module.js';

await runSeed(customersService);
