// npm run pump:backup -- <service> --from <file>: restores a backup into a scratch
// database and loads the reporting store from it, replacing the service's tables at
// once. The reporting app must be running (REPORTING_URL, default http://localhost:4004).
import { runServiceCommand } from './app-command.util.js';

runServiceCommand('backup', 'npm run pump:backup -- <service> --from <file> [--scratch-url postgresql://…]', process.argv.slice(2), ['load']);
