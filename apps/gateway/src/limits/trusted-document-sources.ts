import { DASHBOARD_DOCUMENTS } from '../../../dashboard/src/operations.js';
import { EXAMPLE_TABS } from '../playground/example-queries.js';
import type { TrustedDocumentSource } from './trusted-documents.js';

/** The committed manifest, relative to the project root. */
export const TRUSTED_DOCUMENTS_FILE = 'apps/gateway/trusted-documents.json';

/**
 * The documents a production gateway with TRUSTED_DOCUMENTS accepts, from every client
 * this repository ships: the playground's examples and the dashboard's operations.
 */
export const TRUSTED_DOCUMENT_SOURCES: TrustedDocumentSource[] = [
  { name: 'playground examples (apps/gateway/src/playground/example-queries.ts)', documents: EXAMPLE_TABS.map((tab) => tab.query) },
  { name: 'dashboard operations (apps/dashboard/src/operations.ts)', documents: [...DASHBOARD_DOCUMENTS] },
];
