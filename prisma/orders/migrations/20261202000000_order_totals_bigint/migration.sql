-- AlterTable: order totals are 64-bit. 100 lines of 10,000 units at the highest unit
-- price come to 10^14 cents, far past what a 32-bit integer holds.
ALTER TABLE "orders" ALTER COLUMN "total_cents" SET DATA TYPE BIGINT;
