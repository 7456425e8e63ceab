import { Injectable } from '@nestjs/common';
import { CreditRefusal, DEFAULT_CREDIT_LIMIT_CENTS, type CreditCheck, type CreditTerms } from '@tributary/contracts';
import { DomainException } from '@tributary/core';
import { CustomersDatabase } from '../database/customers-database.js';

/**
 * Whether a customer may place an order of an amount: it exists, is not blocked, and
 * the amount is within its limit per order (the same figure in every currency until the
 * store has exchange rates). Reads only: asking twice answers the same.
 */
@Injectable()
export class CreditService {
  constructor(private readonly db: CustomersDatabase) {}

  async check(customerId: string, amountCents: number): Promise<CreditCheck> {
    const [row] = await this.db.$queryRaw<Array<{ limit_cents: bigint | null; blocked: boolean | null }>>`
      SELECT c.limit_cents, c.blocked FROM customers LEFT JOIN customer_credit c ON c.customer_id = customers.id WHERE customers.id = ${customerId}`;
    if (!row) return { customerId, approved: false, reason: CreditRefusal.UNKNOWN_CUSTOMER };
    const limitCents = row.limit_cents === null ? DEFAULT_CREDIT_LIMIT_CENTS : Number(row.limit_cents);
    if (row.blocked) return { customerId, approved: false, reason: CreditRefusal.CUSTOMER_BLOCKED, limitCents };
    if (amountCents > limitCents) return { customerId, approved: false, reason: CreditRefusal.CREDIT_LIMIT_EXCEEDED, limitCents };
    return { customerId, approved: true, limitCents };
  }

  async setTerms(customerId: string, terms: CreditTerms): Promise<CreditTerms> {
    const written = await this.db.$executeRaw`
      INSERT INTO customer_credit (customer_id, limit_cents, blocked) SELECT id, ${terms.limitCents}, ${terms.blocked} FROM customers WHERE id = ${customerId}
      ON CONFLICT (customer_id) DO UPDATE SET limit_cents = excluded.limit_cents, blocked = excluded.blocked, updated_at = clock_timestamp()`;
    if (written === 0) throw DomainException.notFound('customer', customerId);
    return terms;
  }
}
