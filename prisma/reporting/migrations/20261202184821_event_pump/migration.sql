-- CreateTable
CREATE TABLE "reporting_store"."applied_events" (
    "event_id" UUID NOT NULL,
    "table" TEXT NOT NULL,
    "applied_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "applied_events_pkey" PRIMARY KEY ("event_id")
);

-- CreateTable
CREATE TABLE "reporting_store"."dead_letters" (
    "id" BIGSERIAL NOT NULL,
    "key" TEXT NOT NULL,
    "source" TEXT NOT NULL,
    "payload" TEXT NOT NULL,
    "reason" TEXT NOT NULL,
    "received_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "dead_letters_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reporting_store"."event_progress" (
    "table" TEXT NOT NULL,
    "events_applied" BIGINT NOT NULL DEFAULT 0,
    "last_occurred_at" TIMESTAMPTZ(3) NOT NULL,
    "last_applied_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "event_progress_pkey" PRIMARY KEY ("table")
);

-- CreateIndex
CREATE INDEX "applied_events_applied_at_idx" ON "reporting_store"."applied_events"("applied_at");

-- CreateIndex
CREATE UNIQUE INDEX "dead_letters_key_key" ON "reporting_store"."dead_letters"("key");
