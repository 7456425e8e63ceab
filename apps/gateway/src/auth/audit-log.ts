import { createHash } from 'node:crypto';
import type { Logger } from 'pino';
import type { Principal } from './principal.js';

export interface AuditEntry {
  principal: Principal;
  /** The field that ran: Mutation.placeOrder, Reports.salesByMonth, … */
  field: string;
  args: Record<string, unknown>;
  /** ok, or the error's code (FORBIDDEN, BAD_USER_INPUT, …). */
  outcome: string;
}

/**
 * One log line per report, export or placement an authenticated client runs: who, what,
 * the SHA-256 of its arguments (enough to match two requests, without writing
 * customers' data into logs), and the outcome. Lines carry `audit: true` for log shippers.
 */
export class AuditLog {
  constructor(private readonly logger: Logger) {}

  record({ principal, field, args, outcome }: AuditEntry): void {
    this.logger.info(
      {
        audit: true,
        subject: principal.subject,
        ...(principal.name ? { keyName: principal.name } : {}),
        via: principal.via,
        field,
        argsSha256: createHash('sha256').update(JSON.stringify(args)).digest('hex'),
        outcome,
      },
      `audit ${field} by ${principal.via}:${principal.subject}: ${outcome}`,
    );
  }
}
