-- CreateTable
CREATE TABLE "reporting_store"."rates" (
    "id" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "rate" DECIMAL(20,10) NOT NULL,
    "source" TEXT NOT NULL,
    "version" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "rates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "rates_currency_date_key" ON "reporting_store"."rates"("currency", "date");

-- Rates as published: units of `currency` per one EUR on `date`; EUR itself has rate 1 and no rows.
CREATE VIEW "reporting_v1"."rates" AS
  SELECT date, currency, rate, source, version AS updated_at FROM "reporting_store"."rates";

-- The orders service's conversion functions (migration 20261203170000_exchange_rates of
-- prisma/orders), the same bodies, for readers of the store: live and store answers agree
-- to the cent.
CREATE OR REPLACE FUNCTION "reporting_v1".convert_minor_units(amount bigint, from_rate numeric, to_rate numeric) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (div(amount * to_rate, from_rate)
          + CASE sign(2 * (amount * to_rate - div(amount * to_rate, from_rate) * from_rate) - from_rate)
              WHEN 1 THEN 1
              WHEN 0 THEN mod(div(amount * to_rate, from_rate), 2)
              ELSE 0 END)::bigint
$$;

CREATE OR REPLACE FUNCTION "reporting_v1".rate_or_raise(rate numeric, currency text, day date) RETURNS numeric
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF rate IS NULL THEN
    RAISE EXCEPTION 'no % rate on or before %', currency, day USING ERRCODE = '22023', HINT = 'tributary: missing exchange rate';
  END IF;
  RETURN rate;
END
$$;

-- Sales as before, column for column, and each line's revenue in the base currency: converted
-- at the latest rate of its order's currency on or before the order's UTC day (a weekend or
-- holiday takes the last working day's), rounded half to even; NULL when there is no such
-- rate. Scalar subqueries rather than a join: a query that reads none of the new columns
-- does not read rates at all, so v1 readers pay nothing for them.
CREATE OR REPLACE VIEW "reporting_v1"."sales" AS
  SELECT o.id AS order_id, l.line_no, o.placed_at, o.status, o.currency,
         o.customer_id, c.name AS customer_name, c.country,
         l.product_id, p.sku, p.title, p.category,
         l.quantity, l.unit_price_cents, l.quantity::bigint * l.unit_price_cents AS revenue_cents,
         'EUR'::char(3) AS base_currency,
         CASE WHEN o.currency = 'EUR' THEN (o.placed_at AT TIME ZONE 'UTC')::date
              ELSE (SELECT r.date FROM "reporting_store"."rates" r
                    WHERE r.currency = o.currency AND r.date <= (o.placed_at AT TIME ZONE 'UTC')::date
                    ORDER BY r.date DESC LIMIT 1) END AS rate_date,
         CASE WHEN o.currency = 'EUR' THEN l.quantity::bigint * l.unit_price_cents
              ELSE (SELECT "reporting_v1".convert_minor_units(l.quantity::bigint * l.unit_price_cents, r.rate, 1) FROM "reporting_store"."rates" r
                    WHERE r.currency = o.currency AND r.date <= (o.placed_at AT TIME ZONE 'UTC')::date
                    ORDER BY r.date DESC LIMIT 1) END AS revenue_base_cents
  FROM "reporting_store"."orders" o
  JOIN "reporting_store"."order_lines" l ON l.order_id = o.id
  LEFT JOIN "reporting_store"."customers" c ON c.id = o.customer_id
  LEFT JOIN "reporting_store"."products" p ON p.id = l.product_id;
