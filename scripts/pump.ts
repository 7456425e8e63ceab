// npm run pump -- <service> [--full]: one run of a service's pumps into the reporting
// store, from their checkpoints (or every row again with --full), in a process of its
// own. The reporting app must be running (REPORTING_URL, default http://localhost:4004).
import { runServiceCommand } from './app-command.util.js';

runServiceCommand('pump', 'npm run pump -- <service> [--full]', process.argv.slice(2));
