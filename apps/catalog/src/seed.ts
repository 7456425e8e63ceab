import 'reflect-metadata';
import { runSeed } from '@tributary/service-kit';
import { catalogService } from './catalog-app.module.js';

await runSeed(catalogService);
// Done: exit now rather than wait out the idle timers that the WASM schema engine and
// PGlite leave behind (10 s each).
process.exit(0);
