import type { ExportDataset } from '@tributary/exports';

/** The catalog's own data, as `POST /v1/products:export` writes it. */
export const CATALOG_DATASETS: readonly ExportDataset[] = [
  {
    name: 'products',
    description: 'Products with their prices, as the catalog holds them.',
    relation: 'products',
    columns: [
      { name: 'id', type: 'string' },
      { name: 'sku', type: 'string' },
      { name: 'title', type: 'string' },
      { name: 'category', type: 'string' },
      { name: 'price_cents', type: 'integer' },
      { name: 'currency', type: 'string' },
      { name: 'updated_at', type: 'timestamp' },
    ],
    key: ['id'],
    filters: { category: 'category' },
  },
];
