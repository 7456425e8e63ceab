/** An instant as it travels: ISO-8601 in UTC, such as 2026-01-31T00:00:00.000Z. */
export type Instant = string;

/** The currencies prices and orders are in (ISO 4217). */
export const CURRENCIES = ['EUR', 'GBP', 'USD'] as const;
export type Currency = (typeof CURRENCIES)[number];

/**
 * The largest money amount one price, or one line's unit price, may have, in cents.
 * An order holds at most 100 lines of at most 10,000 units, so its total stays below
 * 10^14, inside the 53 bits a JSON number carries exactly.
 */
export const MAX_PRICE_CENTS = 100_000_000;

/** A UUID in its text form, any version: event and operation ids. */
export const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
