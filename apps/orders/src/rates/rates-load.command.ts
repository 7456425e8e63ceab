import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Env } from '@tributary/core';
import { DatabaseModule, type DatabaseLocation } from '@tributary/database';
import { configOf, isListening } from '@tributary/service-kit';
import { OrdersDatabase } from '../database/orders-database.js';
import { ordersService } from '../orders-app.module.js';
import { EcbCsvError, parseEcbCsv } from './ecb-csv.util.js';
import { RatesService, type RatesWritten } from './rates.service.js';

export const RATES_LOAD_USAGE = 'npm run rates:load -- <file.csv> [--source ECB]';
/** Rates per statement (and transaction): 5000 rows of four arrays. */
export const RATES_LOAD_BATCH = 5000;
/** PGlite has no checkpointer: a long load flushes its WAL every this many batches. */
const CHECKPOINT_EVERY = 20;
const SOURCE = /^[A-Za-z0-9][A-Za-z0-9 ._-]{0,31}$/;

/** A mistake in the command line: exit status 2, with the usage. */
export class RatesLoadUsageError extends Error {}

/** The orders database and the rates' queries, without the rest of the app (no HTTP, no pumps, no relay). */
@Module({})
class RatesLoadModule {
  static register(database: DatabaseLocation): DynamicModule {
    return { module: RatesLoadModule, imports: [DatabaseModule.forService('orders', database, OrdersDatabase)], providers: [RatesService] };
  }
}

export interface RatesLoadSummary extends RatesWritten {
  parsed: number;
  days: number;
  currencies: string[];
}

function commandLine(args: readonly string[]): { file: string; source: string } {
  let parsed;
  try {
    parsed = parseArgs({ args: [...args], allowPositionals: true, strict: true, options: { source: { type: 'string' } } });
  } catch (error) {
    throw new RatesLoadUsageError((error as Error).message);
  }
  const { positionals, values } = parsed;
  if (positionals.length !== 1) throw new RatesLoadUsageError(positionals.length ? `one file, not ${positionals.length}: ${positionals.join(' ')}` : 'the CSV file to load is required');
  const source = values.source ?? 'ECB';
  if (!SOURCE.test(source)) throw new RatesLoadUsageError(`--source ${JSON.stringify(source)}: 1 to 32 letters, digits, spaces, dots, dashes or underscores, such as ECB`);
  return { file: positionals[0]!, source };
}

/**
 * `npm run rates:load -- eurofxref-hist.csv [--source ECB]`: the ECB's rates into the
 * orders database (as its environment configures it), by (currency, date). The whole
 * file is read and checked first: a malformed one is refused with every line and column
 * at fault, and nothing is written. Then batches of RATES_LOAD_BATCH rates, each one
 * statement; a rate whose value and source the table holds already is left as it is, so
 * a second load of the same file changes no row and no updatedAt.
 */
export async function runRatesLoadCommand(args: readonly string[], env: Env, print: (line: string) => void): Promise<RatesLoadSummary> {
  const { file, source } = commandLine(args);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`${file}: ${(error as Error).message}`, { cause: error });
  }
  let ecb;
  try {
    ecb = parseEcbCsv(text);
  } catch (error) {
    if (error instanceof EcbCsvError) throw new Error(`${file} is refused, nothing was loaded:\n${error.message}`, { cause: error });
    throw error;
  }
  const { rates, currencies, days, withoutRate } = ecb;
  print(`${file}: ${days.toLocaleString('en')} days, ${currencies.length} currencies, ${rates.length.toLocaleString('en')} rates parsed (${withoutRate.toLocaleString('en')} cells without a rate)`);

  const config = configOf(ordersService, env);
  // An embedded database is open in one process at a time: a second writer would corrupt it.
  if (!config.database.url && config.port !== 0 && (await isListening(config.port))) {
    throw new Error(`the orders service is running on port ${config.port} with its embedded database open: stop it (npm start), then load`);
  }
  const started = performance.now();
  const app = await NestFactory.createApplicationContext(RatesLoadModule.register(config.database), { logger: ['error', 'warn'] });
  try {
    const service = app.get(RatesService);
    const db = app.get(OrdersDatabase);
    const total: RatesWritten = { inserted: 0, updated: 0, unchanged: 0 };
    for (let from = 0, batches = 1; from < rates.length; from += RATES_LOAD_BATCH, batches++) {
      const written = await service.upsert(rates.slice(from, from + RATES_LOAD_BATCH), source);
      total.inserted += written.inserted;
      total.updated += written.updated;
      total.unchanged += written.unchanged;
      if (batches % CHECKPOINT_EVERY === 0) await db.handle.checkpoint();
      const done = Math.min(rates.length, from + RATES_LOAD_BATCH);
      print(`rates: ${done.toLocaleString('en')} of ${rates.length.toLocaleString('en')}: ${(total.inserted + total.updated).toLocaleString('en')} written, ${total.unchanged.toLocaleString('en')} unchanged`);
    }
    await db.$executeRawUnsafe('ANALYZE rates');
    const seconds = ((performance.now() - started) / 1000).toFixed(1);
    print(
      `loaded ${file} (source ${source}) into ${db.handle.description} in ${seconds} s: ${rates.length.toLocaleString('en')} rates parsed, ` +
        `${(total.inserted + total.updated).toLocaleString('en')} written (${total.inserted.toLocaleString('en')} new, ${total.updated.toLocaleString('en')} changed), ${total.unchanged.toLocaleString('en')} unchanged`,
    );
    return { ...total, parsed: rates.length, days, currencies };
  } finally {
    await app.close();
  }
}
