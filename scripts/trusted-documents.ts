// npm run trusted-documents: writes the manifest of trusted documents
// (apps/gateway/trusted-documents.json) from the operations of the clients this
// repository ships. Commit it; TRUSTED_DOCUMENTS=<its path> makes a gateway accept
// these documents only.
import { writeFileSync } from 'node:fs';
import { projectPath } from '@tributary/core';
import { TRUSTED_DOCUMENT_SOURCES, TRUSTED_DOCUMENTS_FILE } from '../apps/gateway/src/limits/trusted-document-sources.js';
import { buildTrustedDocumentManifest, manifestText } from '../apps/gateway/src/limits/trusted-documents.js';

const manifest = buildTrustedDocumentManifest(TRUSTED_DOCUMENT_SOURCES);
writeFileSync(projectPath(TRUSTED_DOCUMENTS_FILE), manifestText(manifest));
console.log(`${TRUSTED_DOCUMENTS_FILE}: ${manifest.operations.length} operations (${manifest.operations.map((o) => o.name).join(', ')})`);
