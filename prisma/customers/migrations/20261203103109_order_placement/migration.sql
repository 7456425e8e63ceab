-- CreateTable
CREATE TABLE "customer_credit" (
    "customer_id" TEXT NOT NULL,
    "limit_cents" BIGINT NOT NULL,
    "blocked" BOOLEAN NOT NULL DEFAULT false,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "customer_credit_pkey" PRIMARY KEY ("customer_id")
);

ALTER TABLE "customer_credit" ADD CONSTRAINT "customer_credit_limit_not_negative" CHECK ("limit_cents" >= 0);
