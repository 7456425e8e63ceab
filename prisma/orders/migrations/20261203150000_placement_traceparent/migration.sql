-- AlterTable
ALTER TABLE "order_placements" ADD COLUMN     "traceparent" TEXT;
