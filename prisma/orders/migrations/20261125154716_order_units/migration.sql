-- AlterTable: orders.units, the sum of the lines' quantities, so that aggregates
-- need not join the lines. Existing orders get theirs from their lines.
ALTER TABLE "orders" ADD COLUMN "units" INTEGER;

UPDATE "orders" o SET "units" = COALESCE((SELECT SUM(l."quantity") FROM "order_lines" l WHERE l."order_id" = o."id"), 0);

ALTER TABLE "orders" ALTER COLUMN "units" SET NOT NULL;
