-- CreateTable
CREATE TABLE "rates" (
    "id" TEXT NOT NULL,
    "date" DATE NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "rate" DECIMAL(20,10) NOT NULL,
    "source" TEXT NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "xid" xid8 NOT NULL DEFAULT pg_current_xact_id(),

    CONSTRAINT "rates_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "rates_updated_at_id_idx" ON "rates"("updated_at", "id");

-- CreateIndex
CREATE INDEX "rates_xid_id_idx" ON "rates"("xid", "id");

-- CreateIndex
CREATE UNIQUE INDEX "rates_currency_date_key" ON "rates"("currency", "date");

-- Every version stamped with its transaction and the clock, as orders are (see list_horizon).
CREATE TRIGGER rates_stamp_writing_transaction BEFORE INSERT OR UPDATE ON "rates"
  FOR EACH ROW EXECUTE FUNCTION stamp_writing_transaction();

-- Converting money, exactly: `amount` minor units of a currency whose rate is `from_rate`
-- into one whose rate is `to_rate` (both against the same base), rounded half to even.
-- Integer division of numerics (div) and its remainder are exact, so a tie is a real tie,
-- never an artefact of a rounded quotient. Amounts are never negative here (order totals,
-- line revenue). One SQL expression, so the planner inlines it; the same function lives
-- in the reporting store, so live and store answers agree to the cent.
CREATE OR REPLACE FUNCTION convert_minor_units(amount bigint, from_rate numeric, to_rate numeric) RETURNS bigint
  LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
  SELECT (div(amount * to_rate, from_rate)
          + CASE sign(2 * (amount * to_rate - div(amount * to_rate, from_rate) * from_rate) - from_rate)
              WHEN 1 THEN 1
              WHEN 0 THEN mod(div(amount * to_rate, from_rate), 2)
              ELSE 0 END)::bigint
$$;

-- A rate a conversion needs and the table lacks: the report fails naming the currency and
-- the day, rather than leaving the orders of that day out of a converted sum.
CREATE OR REPLACE FUNCTION rate_or_raise(rate numeric, currency text, day date) RETURNS numeric
  LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
BEGIN
  IF rate IS NULL THEN
    RAISE EXCEPTION 'no % rate on or before %', currency, day USING ERRCODE = '22023', HINT = 'tributary: missing exchange rate';
  END IF;
  RETURN rate;
END
$$;
