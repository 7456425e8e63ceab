import 'reflect-metadata';
import { runService } from '@tributary/service-kit';
import { customersService } from './customers-app.module.js';

await runService(customersService);
