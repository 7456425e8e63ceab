-- CreateTable
CREATE TABLE "stock_levels" (
    "product_id" TEXT NOT NULL,
    "stock_on_hand" INTEGER NOT NULL,
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "stock_levels_pkey" PRIMARY KEY ("product_id")
);

-- CreateTable
CREATE TABLE "stock_reservations" (
    "id" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "refusal" JSONB,
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),
    "updated_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "stock_reservations_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "stock_reservation_lines" (
    "reservation_id" TEXT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,

    CONSTRAINT "stock_reservation_lines_pkey" PRIMARY KEY ("reservation_id","line_no")
);

-- CreateIndex
CREATE INDEX "stock_reservation_lines_product_id_idx" ON "stock_reservation_lines"("product_id");

-- AddForeignKey
ALTER TABLE "stock_reservation_lines" ADD CONSTRAINT "stock_reservation_lines_reservation_id_fkey" FOREIGN KEY ("reservation_id") REFERENCES "stock_reservations"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- No oversell, whatever the code does: on hand never goes below zero, a line holds at least one unit.
ALTER TABLE "stock_levels" ADD CONSTRAINT "stock_levels_on_hand_not_negative" CHECK ("stock_on_hand" >= 0);
ALTER TABLE "stock_reservation_lines" ADD CONSTRAINT "stock_reservation_lines_quantity_positive" CHECK ("quantity" > 0);
