import type { ExportDataset } from '@tributary/exports';

/** The customers service's own data, as `POST /v1/customers:export` writes it. */
export const CUSTOMERS_DATASETS: readonly ExportDataset[] = [
  {
    name: 'customers',
    description: 'Customers, as this service holds them.',
    relation: 'customers',
    columns: [
      { name: 'id', type: 'string' },
      { name: 'name', type: 'string' },
      { name: 'email', type: 'string' },
      { name: 'country', type: 'string' },
      { name: 'created_at', type: 'timestamp' },
      { name: 'updated_at', type: 'timestamp' },
    ],
    key: ['id'],
    timeColumn: 'created_at',
    filters: { country: 'country' },
  },
];
