import { PRODUCT_EXPORT_COLUMNS } from '@tributary/contracts';
import type { ExportDataset } from '@tributary/exports';

/** The catalog's own data, as `POST /v1/products:export` writes it. */
export const CATALOG_DATASETS: readonly ExportDataset[] = [
  {
    name: 'products',
    description: 'Products with their prices, as the catalog holds them.',
    relation: 'products',
    columns: PRODUCT_EXPORT_COLUMNS,
    key: ['id'],
    filters: { category: 'category' },
  },
];
