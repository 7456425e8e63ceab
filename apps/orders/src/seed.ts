import 'reflect-metadata';
import { runSeed } from '@tributary/service-kit';
import { ordersService } from './orders-app.module.js';

await runSeed(ordersService);
// Done: exit now rather than wait out the idle timers that the WASM schema engine and
// PGlite leave behind (10 s each).
process.exit(0);
