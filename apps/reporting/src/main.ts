import 'reflect-metadata';
import { runService } from '@tributary/service-kit';
import { reportingService } from './reporting-app.module.js';

await runService(reportingService);
