import type { Instant } from './common.js';

export const CUSTOMER_LIMITS = { nameLength: 200, emailLength: 320 } as const;

/** A customer as the customers service sends it. */
export interface Customer {
  id: string;
  name: string;
  email: string;
  /** ISO 3166-1 alpha-2, upper case. */
  country: string;
  createdAt: Instant;
  /** Moves on every write; lists are ordered by (updatedAt, id). */
  updatedAt: Instant;
}

/** `POST /v1/customers` */
export interface CustomerInput {
  name: string;
  /** Unique across customers. */
  email: string;
  country: string;
}

/** `PATCH /v1/customers/{id}`: the fields to change; absent ones stay. */
export type CustomerChanges = Partial<CustomerInput>;
