export * from './contract-audit.types.js';
export { singularOf, OPENAPI_PATHS } from './audit-context.js';
export { namedFields, namesField } from './audit-http.js';
export { auditContract, CONTRACT_AUDITS } from './audit-runner.js';
export { formatAuditJson, formatAuditTable, type TableOptions } from './audit-report.js';
export { AUDIT_USAGE, AuditUsageError, auditCommandFromArgs, exitCodeOf, runAuditCommand, type AuditCommand, type AuditCommandIo } from './audit-command.js';
