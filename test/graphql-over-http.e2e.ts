import type { AddressInfo } from 'node:net';
import { serverAudits } from 'graphql-http';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { QUERY_LIMITS } from '../apps/gateway/src/gateway-app.module.js';
import { startSystem, type SystemUnderTest } from './support/system-under-test.js';

const DATA = { customers: 20, products: 10, orders: 40, seed: 11, until: new Date('2026-11-01T00:00:00Z') };
let system: SystemUnderTest;
let url: string;

beforeAll(async () => {
  system = await startSystem(DATA);
  await system.gateway.app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(system.gateway.http.address() as AddressInfo).port}/graphql`;
});

afterAll(async () => {
  await system?.close();
});

const SYNTAX_ERROR = '{ orders(first: 1) { edges { node { id } }';
const OVER_TOKEN_LIMIT = `{ ${Array.from({ length: QUERY_LIMITS.maxTokens }, (_, i) => `a${i}: __typename`).join(' ')} }`;

function post(query: string, accept?: string) {
  const call = request(system.gateway.http).post('/graphql').set('content-type', 'application/json');
  return (accept ? call.set('accept', accept) : call).send({ query });
}

describe('GraphQL over HTTP', () => {
  it('passes every graphql-http server audit with no error and no warning', async () => {
    const results = await Promise.all(serverAudits({ url }).map(async (audit) => ({ ...(await audit.fn()), name: audit.name })));
    expect(results.length).toBeGreaterThan(30);
    // Notices are MAYs; the gateway's CSRF prevention refuses GETs without a preflight header.
    const failed = results.filter((r) => r.status === 'warn' || r.status === 'error').map((r) => `${r.status}: ${r.name}: ${'reason' in r ? r.reason : ''}`);
    expect(failed).toEqual([]);
  });

  it.each([
    ['a syntax error', SYNTAX_ERROR, 'Syntax Error: Expected Name, found <EOF>.'],
    ['a document over the token limit', OVER_TOKEN_LIMIT, `Syntax Error: Document contains more that ${QUERY_LIMITS.maxTokens} tokens. Parsing aborted.`],
  ])('%s is a 400 with the parse error, and calls no service', async (_, query, message) => {
    const before = system.orders.requests.count + system.customers.requests.count;
    for (const accept of ['application/graphql-response+json', undefined, '*/*']) {
      const response = await post(query, accept);
      expect({ accept, status: response.status }).toEqual({ accept, status: 400 });
      expect(response.body.errors).toEqual([{ message, locations: [expect.any(Object)], extensions: { code: 'GRAPHQL_PARSE_FAILED' } }]);
      expect(response.body.data).toBeUndefined();
    }
    expect(system.orders.requests.count + system.customers.requests.count).toBe(before);
  });

  it('a client that accepts application/json only gets the same errors with 200, as the spec has legacy clients expect', async () => {
    const response = await post(SYNTAX_ERROR, 'application/json');
    expect(response.status).toBe(200);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(response.body.errors).toEqual([expect.objectContaining({ extensions: { code: 'GRAPHQL_PARSE_FAILED' } })]);
  });
});
