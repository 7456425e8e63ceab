-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "reporting_store";

-- CreateTable
CREATE TABLE "reporting_store"."customers" (
    "id" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "email" TEXT NOT NULL,
    "country" CHAR(2) NOT NULL,
    "created_at" TIMESTAMPTZ(3) NOT NULL,
    "version" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "customers_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reporting_store"."products" (
    "id" TEXT NOT NULL,
    "sku" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "category" TEXT NOT NULL,
    "price_cents" INTEGER NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "version" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "products_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reporting_store"."orders" (
    "id" TEXT NOT NULL,
    "customer_id" TEXT NOT NULL,
    "placed_at" TIMESTAMPTZ(3) NOT NULL,
    "status" TEXT NOT NULL,
    "currency" CHAR(3) NOT NULL,
    "total_cents" BIGINT NOT NULL,
    "units" INTEGER NOT NULL,
    "version" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "orders_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "reporting_store"."order_lines" (
    "order_id" TEXT NOT NULL,
    "line_no" INTEGER NOT NULL,
    "product_id" TEXT NOT NULL,
    "quantity" INTEGER NOT NULL,
    "unit_price_cents" INTEGER NOT NULL,

    CONSTRAINT "order_lines_pkey" PRIMARY KEY ("order_id","line_no")
);

-- CreateTable
CREATE TABLE "reporting_store"."pump_checkpoints" (
    "table" TEXT NOT NULL,
    "horizon" DECIMAL(20,0) NOT NULL,
    "run_target" DECIMAL(20,0),
    "run_after_xid" DECIMAL(20,0),
    "run_after_id" TEXT,
    "run_watermark" TIMESTAMPTZ(3),
    "watermark" TIMESTAMPTZ(3),
    "rows_pumped" BIGINT NOT NULL DEFAULT 0,
    "updated_at" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "pump_checkpoints_pkey" PRIMARY KEY ("table")
);

-- CreateIndex
CREATE INDEX "customers_country_idx" ON "reporting_store"."customers"("country");

-- CreateIndex
CREATE INDEX "products_category_idx" ON "reporting_store"."products"("category");

-- CreateIndex
CREATE INDEX "orders_placed_at_idx" ON "reporting_store"."orders"("placed_at");

-- CreateIndex
CREATE INDEX "orders_customer_id_placed_at_idx" ON "reporting_store"."orders"("customer_id", "placed_at");

-- CreateIndex
CREATE INDEX "order_lines_product_id_idx" ON "reporting_store"."order_lines"("product_id");

-- AddForeignKey
ALTER TABLE "reporting_store"."order_lines" ADD CONSTRAINT "order_lines_order_id_fkey" FOREIGN KEY ("order_id") REFERENCES "reporting_store"."orders"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The published contract: version 1 of the reporting schema. BI tools and reports read
-- these views, never reporting_store: a change that would break a column of a view
-- goes into reporting_v2 beside it, and v1 answers as before until it is retired.
CREATE SCHEMA IF NOT EXISTS "reporting_v1";

CREATE VIEW "reporting_v1"."customers" AS
  SELECT id, name, email, country, created_at, version AS updated_at FROM "reporting_store"."customers";

CREATE VIEW "reporting_v1"."products" AS
  SELECT id, sku, title, category, price_cents, currency, version AS updated_at FROM "reporting_store"."products";

CREATE VIEW "reporting_v1"."orders" AS
  SELECT id, customer_id, placed_at, status, currency, total_cents, units, version AS updated_at FROM "reporting_store"."orders";

CREATE VIEW "reporting_v1"."order_lines" AS
  SELECT order_id, line_no, product_id, quantity, unit_price_cents, quantity::bigint * unit_price_cents AS revenue_cents
  FROM "reporting_store"."order_lines";

-- One row per order line, with what a report groups it by: its order's date, status and
-- currency, its customer's name and country, its product's sku, title and category.
-- Outer joins: a line whose customer or product has not arrived yet still counts.
CREATE VIEW "reporting_v1"."sales" AS
  SELECT o.id AS order_id, l.line_no, o.placed_at, o.status, o.currency,
         o.customer_id, c.name AS customer_name, c.country,
         l.product_id, p.sku, p.title, p.category,
         l.quantity, l.unit_price_cents, l.quantity::bigint * l.unit_price_cents AS revenue_cents
  FROM "reporting_store"."orders" o
  JOIN "reporting_store"."order_lines" l ON l.order_id = o.id
  LEFT JOIN "reporting_store"."customers" c ON c.id = o.customer_id
  LEFT JOIN "reporting_store"."products" p ON p.id = l.product_id;
