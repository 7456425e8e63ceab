-- AlterEnum
ALTER TYPE "OrderStatus" ADD VALUE 'PENDING';

-- CreateTable
CREATE TABLE "order_placements" (
    "id" UUID NOT NULL,
    "idempotency_key" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "lines" JSONB NOT NULL,
    "total_cents" BIGINT,
    "order_id" TEXT,
    "reason" TEXT,
    "reason_detail" TEXT,
    "retries" INTEGER NOT NULL DEFAULT 0,
    "last_error" TEXT,
    "deadline" TIMESTAMPTZ(3) NOT NULL,
    "next_attempt_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "lease_owner" TEXT,
    "lease_until" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "order_placements_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "order_placements_idempotency_key_key" ON "order_placements"("idempotency_key");

-- CreateIndex
CREATE INDEX "order_placements_next_attempt_at_idx" ON "order_placements"("next_attempt_at");
