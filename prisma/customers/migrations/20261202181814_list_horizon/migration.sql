-- AlterTable
ALTER TABLE "customers" ALTER COLUMN "updated_at" SET DEFAULT clock_timestamp();

-- The database stamps every version of a row, inserts too: first with the transaction
-- that writes it (pg_current_xact_id() gives the transaction its id if it has none
-- yet), then with the clock. A version is therefore always stamped after its writer
-- appears among the open transactions, which is what lets a list hold back whatever
-- may still commit below its cursor (readCommittedBefore in libs/database). Prisma's
-- own @updatedAt would stamp in the client, before the statement even reaches the
-- database. A bulk load of history (seeding) keeps the updated_at it writes with the
-- session setting tributary.keep_updated_at = 'on'.
-- OR REPLACE: the services' databases may be one (the benchmark's direct-SQL copy).
CREATE OR REPLACE FUNCTION stamp_writing_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.xid := pg_current_xact_id();
  IF current_setting('tributary.keep_updated_at', true) IS DISTINCT FROM 'on' THEN
    NEW.updated_at := clock_timestamp();
  END IF;
  RETURN NEW;
END
$$;

DROP TRIGGER customers_stamp_writing_transaction ON "customers";
CREATE TRIGGER customers_stamp_writing_transaction BEFORE INSERT OR UPDATE ON "customers"
  FOR EACH ROW EXECUTE FUNCTION stamp_writing_transaction();
