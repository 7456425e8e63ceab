-- AlterTable
ALTER TABLE "customers" ADD COLUMN     "xid" xid8 NOT NULL DEFAULT pg_current_xact_id();

-- CreateIndex
CREATE INDEX "customers_xid_id_idx" ON "customers"("xid", "id");

-- An update stamps the row with its transaction too: the batch pump delivers rows by
-- the transaction that wrote them, and a row is delivered only once every transaction
-- below it has ended, so a late commit is never skipped (Prisma does not model triggers).
-- OR REPLACE: the services' databases may be one (the benchmark's direct-SQL copy).
CREATE OR REPLACE FUNCTION stamp_writing_transaction() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.xid := pg_current_xact_id();
  RETURN NEW;
END
$$;

CREATE TRIGGER customers_stamp_writing_transaction BEFORE UPDATE ON "customers"
  FOR EACH ROW EXECUTE FUNCTION stamp_writing_transaction();
