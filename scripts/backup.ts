// npm run backup -- <service> --out <file>: a consistent backup of a service's database
// (pg_dump on PostgreSQL, the data directory on the embedded default), and its manifest
// beside it (<file>.json).
import { runServiceCommand } from './app-command.util.js';

runServiceCommand('backup', 'npm run backup -- <service> --out <file>', process.argv.slice(2), ['dump']);
