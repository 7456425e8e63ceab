// npm run sql-reader -- create alice   (prints alice's password, once)
// npm run sql-reader -- list
// npm run sql-reader -- revoke alice
// Readers of the reporting store's published views (reporting_v1), each with a login of its own:
// roles of the PostgreSQL server with REPORTING_DATABASE_URL, made here directly; on the
// embedded store, through the running reporting app (REPORTING_URL, default http://localhost:4004).
import { runSqlReaderCommand, SQL_READER_USAGE, SqlReaderUsageError } from '../apps/reporting/src/sql-interface/sql-reader.command.js';

try {
  await runSqlReaderCommand(process.argv.slice(2), process.env, { print: (line) => console.log(line), tell: (line) => console.error(line) });
} catch (error) {
  console.error(error instanceof SqlReaderUsageError ? `${error.message}\nusage: ${SQL_READER_USAGE}` : (error as Error).message);
  process.exit(error instanceof SqlReaderUsageError ? 2 : 1);
}
