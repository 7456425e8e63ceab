/** How big a synthetic reporting store is: `orders` orders of 2025, `linesPerOrder` sales rows each. */
export interface SyntheticStoreSize {
  customers: number;
  products: number;
  orders: number;
  linesPerOrder: number;
}

/**
 * The statements that fill an empty reporting store with made-up data, straight in SQL
 * (generate_series): a million sales rows in seconds, for exports and their benchmark,
 * where the services and the pumps have nothing to show. Orders spread evenly over 2025;
 * each order's total is the sum of its lines, as the services keep it.
 */
export function syntheticStoreStatements({ customers, products, orders, linesPerOrder }: SyntheticStoreSize): string[] {
  const n = (value: number) => {
    if (!Number.isSafeInteger(value) || value < 1) throw new Error(`a synthetic store needs positive integers, got ${value}`);
    return String(value);
  };
  const line = `(1 + (g + l) % 5) AS quantity, (100 + (g * 7 + l * 13) % 5000) AS unit_price_cents`;
  return [
    `INSERT INTO reporting_store.customers (id, name, email, country, created_at, version)
     SELECT 'c' || lpad(g::text, 8, '0'), 'Customer ' || g, 'customer' || g || '@example.com', (ARRAY['DE','FR','US','GB','IT','ES'])[1 + g % 6],
            timestamptz '2024-01-01T00:00:00Z' + (g % 700) * interval '1 day', timestamptz '2025-01-01T00:00:00Z'
     FROM generate_series(1, ${n(customers)}) g`,
    `INSERT INTO reporting_store.products (id, sku, title, category, price_cents, currency, version)
     SELECT 'p' || lpad(g::text, 7, '0'), 'SKU-' || g, 'Product ' || g, (ARRAY['books','garden','toys','tools','kitchen'])[1 + g % 5], 100 + (g * 37) % 10000, 'EUR', timestamptz '2025-01-01T00:00:00Z'
     FROM generate_series(1, ${n(products)}) g`,
    `INSERT INTO reporting_store.orders (id, customer_id, placed_at, status, currency, total_cents, units, version)
     SELECT 'o' || lpad(g::text, 9, '0'), 'c' || lpad((1 + g % ${n(customers)})::text, 8, '0'),
            timestamptz '2025-01-01T00:00:00Z' + (g::bigint * 31535999 / ${n(orders)}) * interval '1 second',
            (ARRAY['PLACED','PAID','SHIPPED','CANCELLED'])[1 + g % 4], (ARRAY['EUR','USD'])[1 + g % 2],
            (SELECT sum(quantity * unit_price_cents) FROM (SELECT ${line} FROM generate_series(1, ${n(linesPerOrder)}) l) lines),
            (SELECT sum(quantity) FROM (SELECT ${line} FROM generate_series(1, ${n(linesPerOrder)}) l) lines),
            timestamptz '2025-01-01T00:00:00Z'
     FROM generate_series(1, ${n(orders)}) g`,
    `INSERT INTO reporting_store.order_lines (order_id, line_no, product_id, quantity, unit_price_cents)
     SELECT 'o' || lpad(g::text, 9, '0'), l, 'p' || lpad((1 + (g * 31 + l) % ${n(products)})::text, 7, '0'), ${line}
     FROM generate_series(1, ${n(orders)}) g, generate_series(1, ${n(linesPerOrder)}) l`,
    `ANALYZE reporting_store.customers, reporting_store.products, reporting_store.orders, reporting_store.order_lines`,
  ];
}
