import { CUSTOMER_EXPORT_COLUMNS, PRODUCT_EXPORT_COLUMNS } from '@tributary/contracts';
import type { ExportDataset } from '@tributary/exports';

/**
 * The reporting_v1 views as export datasets: the data mart is the published contract,
 * column for column. Keys lead with an indexed column of the view's driving table
 * (orders by placed_at, lines by their order), so each page starts where the last ended.
 */
export const REPORTING_DATASETS: readonly ExportDataset[] = [
  {
    name: 'sales',
    description: 'One row per order line, with its order, customer and product: what the sales reports sum.',
    relation: 'reporting_v1.sales',
    columns: [
      { name: 'order_id', type: 'string' },
      { name: 'line_no', type: 'integer' },
      { name: 'placed_at', type: 'timestamp' },
      { name: 'status', type: 'string' },
      { name: 'currency', type: 'string' },
      { name: 'customer_id', type: 'string' },
      { name: 'customer_name', type: 'string' },
      { name: 'country', type: 'string' },
      { name: 'product_id', type: 'string' },
      { name: 'sku', type: 'string' },
      { name: 'title', type: 'string' },
      { name: 'category', type: 'string' },
      { name: 'quantity', type: 'integer' },
      { name: 'unit_price_cents', type: 'integer' },
      { name: 'revenue_cents', type: 'integer' },
    ],
    key: ['placed_at', 'order_id', 'line_no'],
    timeColumn: 'placed_at',
    filters: { status: 'status', country: 'country', category: 'category' },
  },
  {
    name: 'orders',
    description: 'Orders with their totals.',
    relation: 'reporting_v1.orders',
    columns: [
      { name: 'id', type: 'string' },
      { name: 'customer_id', type: 'string' },
      { name: 'placed_at', type: 'timestamp' },
      { name: 'status', type: 'string' },
      { name: 'currency', type: 'string' },
      { name: 'total_cents', type: 'integer' },
      { name: 'units', type: 'integer' },
      { name: 'updated_at', type: 'timestamp' },
    ],
    key: ['placed_at', 'id'],
    timeColumn: 'placed_at',
    filters: { status: 'status' },
  },
  {
    name: 'order_lines',
    description: 'Order lines with their revenue.',
    relation: 'reporting_v1.order_lines',
    columns: [
      { name: 'order_id', type: 'string' },
      { name: 'line_no', type: 'integer' },
      { name: 'product_id', type: 'string' },
      { name: 'quantity', type: 'integer' },
      { name: 'unit_price_cents', type: 'integer' },
      { name: 'revenue_cents', type: 'integer' },
    ],
    key: ['order_id', 'line_no'],
    filters: {},
  },
  {
    name: 'customers',
    description: 'Customers.',
    relation: 'reporting_v1.customers',
    columns: CUSTOMER_EXPORT_COLUMNS,
    key: ['created_at', 'id'],
    timeColumn: 'created_at',
    filters: { country: 'country' },
  },
  {
    name: 'products',
    description: 'Products with their prices.',
    relation: 'reporting_v1.products',
    columns: PRODUCT_EXPORT_COLUMNS,
    key: ['id'],
    filters: { category: 'category' },
  },
];
