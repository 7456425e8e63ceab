import type { ReportingTable } from '@tributary/contracts';

/**
 * One statement per table that applies a whole batch: the rows arrive as one JSON
 * parameter, are unpacked by jsonb_to_recordset, and upserted guarded by their version,
 * so that a row the store already has in this version or a newer one is left alone (a
 * batch applied twice changes nothing). Each returns the number of rows applied.
 */
export const UPSERT_OF: Record<ReportingTable, string> = {
  customers: `
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, name text, email text, country text, "createdAt" timestamptz, version timestamptz)
    ), applied AS (
      INSERT INTO reporting_store.customers AS t (id, name, email, country, created_at, version)
      SELECT id, name, email, country, "createdAt", version FROM incoming
      ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, country = excluded.country, created_at = excluded.created_at, version = excluded.version
      WHERE t.version < excluded.version
      RETURNING 1
    )
    SELECT count(*)::int AS applied FROM applied`,
  products: `
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, sku text, title text, category text, "priceCents" int, currency text, version timestamptz)
    ), applied AS (
      INSERT INTO reporting_store.products AS t (id, sku, title, category, price_cents, currency, version)
      SELECT id, sku, title, category, "priceCents", currency, version FROM incoming
      ON CONFLICT (id) DO UPDATE SET sku = excluded.sku, title = excluded.title, category = excluded.category, price_cents = excluded.price_cents,
        currency = excluded.currency, version = excluded.version
      WHERE t.version < excluded.version
      RETURNING 1
    )
    SELECT count(*)::int AS applied FROM applied`,
  // Lines never change once an order is placed: they are inserted with the first version
  // of their order that arrives, and left alone after.
  orders: `
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb)
        AS r(id text, "customerId" text, "placedAt" timestamptz, status text, currency text, "totalCents" bigint, units int, version timestamptz, lines jsonb)
    ), applied AS (
      INSERT INTO reporting_store.orders AS t (id, customer_id, placed_at, status, currency, total_cents, units, version)
      SELECT id, "customerId", "placedAt", status, currency, "totalCents", units, version FROM incoming
      ON CONFLICT (id) DO UPDATE SET customer_id = excluded.customer_id, placed_at = excluded.placed_at, status = excluded.status,
        currency = excluded.currency, total_cents = excluded.total_cents, units = excluded.units, version = excluded.version
      WHERE t.version < excluded.version
      RETURNING t.id
    ), lines AS (
      INSERT INTO reporting_store.order_lines (order_id, line_no, product_id, quantity, unit_price_cents)
      SELECT i.id, l."lineNo", l."productId", l.quantity, l."unitPriceCents"
      FROM incoming i JOIN applied a ON a.id = i.id
      CROSS JOIN LATERAL jsonb_to_recordset(i.lines) AS l("lineNo" int, "productId" text, quantity int, "unitPriceCents" int)
      ON CONFLICT (order_id, line_no) DO NOTHING
    )
    SELECT count(*)::int AS applied FROM applied`,
  rates: `
    WITH incoming AS (
      SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(id text, date date, currency text, rate numeric, source text, version timestamptz)
    ), applied AS (
      INSERT INTO reporting_store.rates AS t (id, date, currency, rate, source, version)
      SELECT id, date, currency, rate, source, version FROM incoming
      ON CONFLICT (id) DO UPDATE SET date = excluded.date, currency = excluded.currency, rate = excluded.rate, source = excluded.source, version = excluded.version
      WHERE t.version < excluded.version
      RETURNING 1
    )
    SELECT count(*)::int AS applied FROM applied`,
};

/** Every store table a pumped table's batches write. */
export const STORE_TABLES_OF: Record<ReportingTable, readonly string[]> = {
  customers: ['reporting_store.customers'],
  products: ['reporting_store.products'],
  orders: ['reporting_store.orders', 'reporting_store.order_lines'],
  rates: ['reporting_store.rates'],
};

/** The store's tables of each pumped table, for counts and checksums. */
export const STORE_TABLE_OF: Record<ReportingTable, string> = {
  customers: 'reporting_store.customers',
  products: 'reporting_store.products',
  orders: 'reporting_store.orders',
  rates: 'reporting_store.rates',
};
