import 'reflect-metadata';
import { startTracing } from '@tributary/core';
import { runService } from '@tributary/service-kit';
import { ordersService } from './orders-app.module.js';

// Before the app is built: its logger and request middleware see whether tracing is on (OTEL_EXPORTER_OTLP_ENDPOINT).
await startTracing('orders');
await runService(ordersService);
