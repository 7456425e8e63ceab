// npm run export -- --dataset sales --from 2025-01-01 --to 2026-01-01 --format parquet --out ./mart
// Starts an export on the running reporting app (REPORTING_URL, default http://localhost:4004),
// shows its progress, and copies the files into --out as a data mart. Ctrl-C cancels it.
// With SERVICE_TOKEN_SECRET in the environment its calls carry a service credential (production requires one).
import { EXPORT_USAGE, exportCommandFromArgs, runExportCommand, UsageError } from '@tributary/exports';

try {
  await runExportCommand(exportCommandFromArgs(process.argv.slice(2)));
} catch (error) {
  console.error(error instanceof UsageError ? `${error.message}\nusage: ${EXPORT_USAGE}` : (error as Error).message);
  process.exit(error instanceof UsageError ? 2 : 1);
}
