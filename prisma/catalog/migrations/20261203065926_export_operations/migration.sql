-- IF NOT EXISTS: the services' databases may be one (the benchmark's direct-SQL copy).
-- CreateTable
CREATE TABLE IF NOT EXISTS "operations" (
    "id" UUID NOT NULL,
    "kind" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "request" JSONB NOT NULL,
    "progress" JSONB NOT NULL,
    "rows_written" BIGINT NOT NULL DEFAULT 0,
    "total_rows" BIGINT,
    "cancel_requested" BOOLEAN NOT NULL DEFAULT false,
    "response" JSONB,
    "error" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "started_at" TIMESTAMPTZ(3),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "operations_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX IF NOT EXISTS "operations_created_at_id_idx" ON "operations"("created_at", "id");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "operations_state_created_at_idx" ON "operations"("state", "created_at");
