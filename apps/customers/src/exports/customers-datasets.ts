import { CUSTOMER_EXPORT_COLUMNS } from '@tributary/contracts';
import type { ExportDataset } from '@tributary/exports';

/** The customers service's own data, as `POST /v1/customers:export` writes it. */
export const CUSTOMERS_DATASETS: readonly ExportDataset[] = [
  {
    name: 'customers',
    description: 'Customers, as this service holds them.',
    relation: 'customers',
    columns: CUSTOMER_EXPORT_COLUMNS,
    key: ['id'],
    timeColumn: 'created_at',
    filters: { country: 'country' },
  },
];
