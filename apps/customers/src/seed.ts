import 'reflect-metadata';
import { runSeed } from '@tributary/service-kit';
import { customersService } from './customers-app.module.js';

await runSeed(customersService);
// Done: exit now rather than wait out the idle timers that the WASM schema engine and
// PGlite leave behind (10 s each).
process.exit(0);
