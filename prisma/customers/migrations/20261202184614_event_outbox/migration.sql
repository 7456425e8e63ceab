-- IF NOT EXISTS: the services' databases may be one (the benchmark's direct-SQL copy), and
-- every service has an outbox of the same shape.
-- CreateTable
CREATE TABLE IF NOT EXISTS "outbox" (
    "id" UUID NOT NULL,
    "seq" BIGSERIAL NOT NULL,
    "type" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "event" JSONB NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "published_at" TIMESTAMPTZ(3),

    CONSTRAINT "outbox_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE IF NOT EXISTS "outbox_relay_lease" (
    "name" TEXT NOT NULL,
    "holder" TEXT NOT NULL,
    "expires_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "outbox_relay_lease_pkey" PRIMARY KEY ("name")
);

-- CreateIndex
CREATE UNIQUE INDEX IF NOT EXISTS "outbox_seq_key" ON "outbox"("seq");

-- CreateIndex
CREATE INDEX IF NOT EXISTS "outbox_published_at_seq_idx" ON "outbox"("published_at", "seq");
