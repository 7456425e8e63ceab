import type { ExportDataset } from '@tributary/exports';

/**
 * The orders service's own data, as `POST /v1/orders:export` writes it. In id order:
 * the service has no index on placed_at alone, so a period filters but does not
 * partition (the reporting app's orders do both).
 */
export const ORDERS_DATASETS: readonly ExportDataset[] = [
  {
    name: 'orders',
    description: 'Orders with their totals, as this service holds them.',
    relation: '(SELECT id, customer_id, placed_at, status::text AS status, currency, total_cents, updated_at FROM orders) AS orders',
    columns: [
      { name: 'id', type: 'string' },
      { name: 'customer_id', type: 'string' },
      { name: 'placed_at', type: 'timestamp' },
      { name: 'status', type: 'string' },
      { name: 'currency', type: 'string' },
      { name: 'total_cents', type: 'integer' },
      { name: 'updated_at', type: 'timestamp' },
    ],
    key: ['id'],
    timeColumn: 'placed_at',
    filters: { status: 'status' },
  },
  {
    name: 'order_lines',
    description: 'Order lines.',
    relation: 'order_lines',
    columns: [
      { name: 'order_id', type: 'string' },
      { name: 'line_no', type: 'integer' },
      { name: 'product_id', type: 'string' },
      { name: 'quantity', type: 'integer' },
      { name: 'unit_price_cents', type: 'integer' },
    ],
    key: ['order_id', 'line_no'],
    filters: {},
  },
];
