// npm run audit:contract -- http://localhost:4001 --resource customers [--json] [--allow-writes]
// Audits a running service's resource against the batch contract (DESIGN.md) over HTTP and
// exits 1 when a MUST rule fails (README: "Checking a service against the batch contract").
// With SERVICE_TOKEN_SECRET in the environment it sends a service credential, so it can audit a production service.
import { runAuditCommand } from '@tributary/batch-api';

process.exitCode = await runAuditCommand(process.argv.slice(2));
