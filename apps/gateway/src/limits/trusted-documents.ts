import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { ApolloServerPlugin, GraphQLRequest } from '@apollo/server';
import { parse, type OperationDefinitionNode } from 'graphql';
import { ConfigError, type Env } from '@tributary/core';

/** One operation of a manifest: `id` is the sha256 (hex) of `body`, the exact text a client sends. */
export interface TrustedOperation {
  id: string;
  name: string;
  type: 'query' | 'mutation' | 'subscription';
  body: string;
}

/** Apollo's persisted query manifest, the format its client tooling and router read. */
export interface TrustedDocumentManifest {
  format: 'apollo-persisted-query-manifest';
  version: 1;
  operations: TrustedOperation[];
}

/** Where a list of trusted documents comes from: the playground's examples, later the dashboard's operations. */
export interface TrustedDocumentSource {
  name: string;
  documents: readonly string[];
}

/** The extensions code of a refused document, the one Apollo's clients know for an unknown persisted query. */
export const TRUSTED_DOCUMENT_ERROR_CODE = 'PERSISTED_QUERY_NOT_FOUND';

export const sha256Hex = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

function operationOf(body: string, source: string): OperationDefinitionNode {
  const operations = parse(body).definitions.filter((definition): definition is OperationDefinitionNode => definition.kind === 'OperationDefinition');
  if (operations.length !== 1 || !operations[0]!.name) {
    throw new Error(`${source}: a trusted document holds exactly one named operation; this one holds ${operations.length} (${operations.map((o) => o.name?.value ?? 'anonymous').join(', ')})`);
  }
  return operations[0]!;
}

/** The manifest of every document of these sources, in their order, each once. */
export function buildTrustedDocumentManifest(sources: readonly TrustedDocumentSource[]): TrustedDocumentManifest {
  const operations = new Map<string, TrustedOperation>();
  for (const source of sources) {
    for (const body of source.documents) {
      const operation = operationOf(body, source.name);
      const id = sha256Hex(body);
      if (!operations.has(id)) operations.set(id, { id, name: operation.name!.value, type: operation.operation, body });
    }
  }
  return { format: 'apollo-persisted-query-manifest', version: 1, operations: [...operations.values()] };
}

/** The manifest as `npm run trusted-documents` writes it, so that the committed file can be compared byte for byte. */
export const manifestText = (manifest: TrustedDocumentManifest): string => `${JSON.stringify(manifest, null, 2)}\n`;

/** Checks a parsed manifest: its format, and that every id is the sha256 of its body. */
export function parseTrustedDocumentManifest(json: unknown, origin: string): TrustedDocumentManifest {
  const manifest = json as Partial<TrustedDocumentManifest> | null;
  if (manifest?.format !== 'apollo-persisted-query-manifest' || manifest.version !== 1 || !Array.isArray(manifest.operations)) {
    throw new ConfigError(`${origin} is not an Apollo persisted query manifest (format "apollo-persisted-query-manifest", version 1, operations)`);
  }
  for (const [i, operation] of manifest.operations.entries()) {
    if (typeof operation?.body !== 'string' || typeof operation.id !== 'string' || operation.id !== sha256Hex(operation.body)) {
      throw new ConfigError(`${origin}: operations[${i}] (${String(operation?.name)}) has an id that is not the sha256 of its body`);
    }
  }
  return manifest as TrustedDocumentManifest;
}

/** `TRUSTED_DOCUMENTS`: the path of a manifest; unset, any document is accepted. */
export function trustedDocumentsFromEnv(env: Env): TrustedDocumentManifest | null {
  const path = env.TRUSTED_DOCUMENTS;
  if (!path) return null;
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new ConfigError(`TRUSTED_DOCUMENTS=${path} cannot be read as JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  return parseTrustedDocumentManifest(json, `TRUSTED_DOCUMENTS=${path}`);
}

type Verdict = { trusted: true; body: string } | { trusted: false; why: string };

function verdictOn(bodies: ReadonlyMap<string, string>, request: GraphQLRequest): Verdict | undefined {
  const sentHash: unknown = request.extensions?.persistedQuery?.sha256Hash;
  if (typeof request.query === 'string' && request.query !== '') {
    const hash = sha256Hex(request.query);
    if (sentHash !== undefined && sentHash !== hash) return { trusted: false, why: `the document's sha256 is ${hash}, not the sha256Hash sent (${String(sentHash)})` };
    return bodies.has(hash) ? { trusted: true, body: request.query } : { trusted: false, why: `no document with the sha256 ${hash} is in its manifest` };
  }
  if (typeof sentHash === 'string') {
    const body = bodies.get(sentHash);
    return body !== undefined ? { trusted: true, body } : { trusted: false, why: `no document with the sha256 ${sentHash} is in its manifest` };
  }
  // Neither a document nor a hash: Apollo's own 400 says what is missing.
  return undefined;
}

/**
 * Accepts only the documents of a manifest, sent as text (whose sha256 is in it) or as
 * `extensions.persistedQuery.sha256Hash` alone (its body is then run), by GET or POST.
 * It decides when Apollo has read the request and before it parses anything: a trusted
 * request goes on as plain text; any other has its document taken away, so that Apollo
 * answers it with a 400 and no parse, no validation and no resolver, and its error is then
 * replaced by one saying why. Going through Apollo's own answer keeps every other
 * plugin's view of it: the status for legacy clients, metrics, `extensions.downstream`.
 */
export function trustedDocumentsPlugin(manifest: TrustedDocumentManifest): ApolloServerPlugin {
  const bodies = new Map(manifest.operations.map((operation) => [operation.id, operation.body]));
  return {
    async requestDidStart({ request }) {
      const verdict = verdictOn(bodies, request);
      if (verdict === undefined) return;
      // Apollo's own persisted queries (registration, lookup) have no part in this.
      const { persistedQuery: _, ...extensions } = request.extensions ?? {};
      request.extensions = extensions;
      if (verdict.trusted) {
        request.query = verdict.body;
        return;
      }
      request.query = undefined;
      const message = `This gateway accepts trusted documents only, and ${verdict.why}. Send a document of the manifest (npm run trusted-documents writes it from the playground's and the dashboard's operations), as text or as extensions.persistedQuery.sha256Hash.`;
      return {
        async willSendResponse({ response }) {
          if (response.body.kind === 'single') response.body.singleResult.errors = [{ message, extensions: { code: TRUSTED_DOCUMENT_ERROR_CODE } }];
        },
      };
    },
  };
}
