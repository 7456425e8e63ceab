import 'reflect-metadata';
import { startTracing } from '@tributary/core';
import { runService } from '@tributary/service-kit';
import { reportingService } from './reporting-app.module.js';

// Before the app is built: its logger and request middleware see whether tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT).
await startTracing('reporting');
await runService(reportingService);
