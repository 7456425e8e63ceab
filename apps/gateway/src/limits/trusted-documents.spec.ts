import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, projectPath } from '@tributary/core';
import { describe, expect, it } from 'vitest';
import { DASHBOARD_DOCUMENTS } from '../../../dashboard/src/operations.js';
import { EXAMPLE_TABS } from '../playground/example-queries.js';
import { TRUSTED_DOCUMENT_SOURCES, TRUSTED_DOCUMENTS_FILE } from './trusted-document-sources.js';
import { buildTrustedDocumentManifest, manifestText, parseTrustedDocumentManifest, sha256Hex, trustedDocumentsFromEnv } from './trusted-documents.js';

describe('the committed manifest', () => {
  it('is what npm run trusted-documents writes from the sources today', () => {
    const committed = readFileSync(projectPath(TRUSTED_DOCUMENTS_FILE), 'utf8');
    // On failure: an example changed without the manifest; run `npm run trusted-documents` and commit the file.
    expect(committed).toBe(manifestText(buildTrustedDocumentManifest(TRUSTED_DOCUMENT_SOURCES)));
  });

  it("holds every playground example's and every dashboard operation's exact text, which is what they send", () => {
    const manifest = parseTrustedDocumentManifest(JSON.parse(readFileSync(projectPath(TRUSTED_DOCUMENTS_FILE), 'utf8')), TRUSTED_DOCUMENTS_FILE);
    expect(manifest.operations.map((operation) => operation.body)).toEqual([...EXAMPLE_TABS.map((tab) => tab.query), ...DASHBOARD_DOCUMENTS]);
  });
});

describe('buildTrustedDocumentManifest', () => {
  it('names each operation, gives its type and the sha256 of its text, once per text, in the sources’ order', () => {
    const query = 'query A { __typename }';
    const mutation = '# a comment is part of the text\nmutation B { __typename }';
    const manifest = buildTrustedDocumentManifest([
      { name: 'first', documents: [query, mutation] },
      { name: 'second', documents: [query] },
    ]);
    expect(manifest).toEqual({
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        { id: sha256Hex(query), name: 'A', type: 'query', body: query },
        { id: sha256Hex(mutation), name: 'B', type: 'mutation', body: mutation },
      ],
    });
    // The id Apollo's clients compute: hex sha256 of the UTF-8 text (FIPS 180-2's test vector).
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it.each([
    ['an anonymous operation', '{ __typename }'],
    ['two operations', 'query A { __typename } query B { __typename }'],
  ])('refuses %s: a manifest entry is one named operation', (_, document) => {
    expect(() => buildTrustedDocumentManifest([{ name: 'dashboard', documents: [document] }])).toThrow(/^dashboard: a trusted document holds exactly one named operation/);
  });
});

describe('TRUSTED_DOCUMENTS', () => {
  const write = (content: string) => {
    const path = join(mkdtempSync(join(tmpdir(), 'trusted-')), 'manifest.json');
    writeFileSync(path, content);
    return path;
  };

  it('unset: no manifest, any document', () => {
    expect(trustedDocumentsFromEnv({})).toBeNull();
  });

  it('reads a manifest', () => {
    const manifest = buildTrustedDocumentManifest([{ name: 'test', documents: ['query A { __typename }'] }]);
    expect(trustedDocumentsFromEnv({ TRUSTED_DOCUMENTS: write(manifestText(manifest)) })).toEqual(manifest);
  });

  it.each([
    ['a missing file', () => '/nonexistent/manifest.json', /^TRUSTED_DOCUMENTS=\/nonexistent\/manifest.json cannot be read as JSON/],
    ['another format', () => write('{"format":"something","version":1,"operations":[]}'), /is not an Apollo persisted query manifest/],
    [
      'an id that is not the sha256 of its body',
      () => write(JSON.stringify({ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: sha256Hex('query A { a }'), name: 'A', type: 'query', body: 'query A { b }' }] })),
      /operations\[0\] \(A\) has an id that is not the sha256 of its body/,
    ],
  ])('refuses to boot with %s', (_, path, message) => {
    expect(() => trustedDocumentsFromEnv({ TRUSTED_DOCUMENTS: path() })).toThrow(ConfigError);
    expect(() => trustedDocumentsFromEnv({ TRUSTED_DOCUMENTS: path() })).toThrow(message);
  });
});
