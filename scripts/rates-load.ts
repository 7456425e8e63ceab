// npm run rates:load -- eurofxref-hist.csv [--source ECB]
// Loads the ECB's exchange rates (eurofxref-hist.csv, or the daily eurofxref.csv) into the
// orders database as its environment configures it (PGlite under .data/ by default, with
// the orders service stopped; or ORDERS_DATABASE_URL). A malformed file is refused whole;
// loading the same file again changes nothing.
import 'reflect-metadata';
import { RATES_LOAD_USAGE, RatesLoadUsageError, runRatesLoadCommand } from '../apps/orders/src/rates/rates-load.command.js';

try {
  await runRatesLoadCommand(process.argv.slice(2), process.env, (line) => console.log(line));
  // PGlite and the schema engine leave idle timers behind.
  process.exit(0);
} catch (error) {
  console.error(error instanceof RatesLoadUsageError ? `${error.message}\nusage: ${RATES_LOAD_USAGE}` : (error as Error).message);
  process.exit(error instanceof RatesLoadUsageError ? 2 : 1);
}
