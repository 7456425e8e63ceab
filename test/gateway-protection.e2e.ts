import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startSystem, type SystemUnderTest } from './support/system-under-test.js';

const DATA = { customers: 100, products: 50, orders: 300, seed: 9, until: new Date('2026-11-01T00:00:00Z') };
let system: SystemUnderTest;

beforeAll(async () => {
  system = await startSystem(DATA);
});

afterAll(async () => {
  await system?.close();
});

type GraphQLError = { message: string; extensions: { code: string; errors?: Array<{ field: string; message: string }> } };

/** Refused whole: no data, one error, and a 4xx status or a 200 (an execution error), never a 5xx. */
async function refused(query: string, variables?: Record<string, unknown>): Promise<GraphQLError> {
  const response = await graphql(system.gateway, query, variables);
  expect([200, 400]).toContain(response.status);
  // No data: none at all (a request error), or null at every root field (an execution error).
  expect(Object.values((response.body.data ?? {}) as Record<string, unknown>).filter((value) => value !== null)).toEqual([]);
  expect(response.body.errors).toHaveLength(1);
  return response.body.errors[0] as GraphQLError;
}

describe('abusive queries are refused before they run', () => {
  it('too deep', async () => {
    const deep = `{ orders(first: 1) { edges { node { customer { orders(first: 1) { edges { node { customer { orders(first: 1) { edges { node { id } } } } } } } } } } } }`;
    const before = system.orders.requests.count;
    const error = await refused(deep);
    expect(error).toMatchObject({ message: 'Syntax Error: Query depth limit of 10 exceeded, found 12.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
    expect(system.orders.requests.count).toBe(before);
  });

  it.each([
    ['written in the document', '1000', undefined],
    ['sent as a variable', '$first', { first: 1000 }],
  ])('too costly, with first %s', async (_, first, variables) => {
    const heavy = `orders(first: ${first}) { edges { node { id customer { name email } lines { product { title category } } } } }`;
    const before = system.orders.requests.count + system.customers.requests.count + system.catalog.requests.count;
    const error = await refused(`query${variables ? '($first: Int!)' : ''} { a: ${heavy} b: ${heavy} c: ${heavy} d: ${heavy} }`, variables);
    expect(error).toMatchObject({ message: expect.stringMatching(/^Query cost 247250 exceeds the limit of 200000\./), extensions: { code: 'COST_ESTIMATED_TOO_EXPENSIVE', cost: 247250, maxCost: 200000 } });
    expect(system.orders.requests.count + system.customers.requests.count + system.catalog.requests.count).toBe(before);
  });

  it('too many aliases', async () => {
    const aliases = Array.from({ length: 20 }, (_, i) => `c${i}: customer(id: "${i}") { id }`).join(' ');
    const error = await refused(`{ ${aliases} }`);
    expect(error).toMatchObject({ message: 'Syntax Error: Aliases limit of 15 exceeded, found 20.', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } });
  });
});

describe('bad arguments give validation errors naming the argument, never a 500', () => {
  it.each([
    ['a negative first', '{ orders(first: -1) { edges { node { id } } } }', 'first', 'first must not be less than 1'],
    ['first above 1000', '{ allCustomers(first: 1001) { edges { node { id } } } }', 'first', 'first must not be greater than 1000'],
    ['a cursor the gateway did not make', '{ orders(first: 5, after: "garbage") { edges { node { id } } } }', 'after', 'after is not a cursor of this connection'],
    ['a period ending before it starts', '{ orders(first: 5, filter: { placedFrom: "2026-02-01T00:00:00Z", placedTo: "2026-01-01T00:00:00Z" }) { edges { node { id } } } }', 'filter.placedTo', 'filter.placedTo must be later than filter.placedFrom'],
  ])('%s', async (_, query, field, message) => {
    const error = await refused(query);
    expect(error).toMatchObject({ message, extensions: { code: 'BAD_USER_INPUT', errors: [{ field, message }] } });
  });

  it('more than 1000 ids', async () => {
    const error = await refused('query($ids: [ID!]!) { customers(ids: $ids) { id } }', { ids: Array.from({ length: 1001 }, (_, i) => `id-${i}`) });
    expect(error.extensions).toEqual({ code: 'BAD_USER_INPUT', errors: [{ field: 'ids', message: 'ids must contain no more than 1000 elements' }] });
  });

  it.each(['yesterday', '2026-13-01T00:00:00Z', '2026-02-30'])('a date that is not an ISO-8601 date-time: %s', async (date) => {
    const error = await refused(`query($from: DateTime!) { reports { salesByMonth(from: $from, to: "2026-03-01T00:00:00Z") { month } } }`, { from: date });
    expect(error).toMatchObject({ message: `Variable "$from" got invalid value "${date}"; DateTime cannot represent an invalid date-time-string ${date}.`, extensions: { code: 'BAD_USER_INPUT' } });
  });
});

describe('operations', () => {
  it('/health checks every service', async () => {
    const response = await request(system.gateway.http).get('/health').expect(200);
    expect(response.body).toMatchObject({
      status: 'ok',
      services: { customers: { status: 'up', circuit: 'closed' }, orders: { status: 'up', circuit: 'closed' }, catalog: { status: 'up', circuit: 'closed' } },
    });
  });

  it('/metrics gives request durations per operation, downstream calls per service and loader batch sizes', async () => {
    // A gateway of its own, so that the counts are this one request's.
    const fresh = await system.startGateway();
    try {
      const response = await graphql(fresh, 'query DashboardOrders { orders(first: 50) { edges { node { customerId customer { id } lines { product { id } } } } } }');
      const distinctCustomers = new Set(response.body.data.orders.edges.map((e: { node: { customerId: string } }) => e.node.customerId)).size;
      const lines = (await request(fresh.http).get('/metrics').expect(200)).text.split('\n');
      expect(lines).toEqual(
        expect.arrayContaining([
          'tributary_graphql_request_duration_seconds_count{operation="DashboardOrders",outcome="ok"} 1',
          'tributary_downstream_calls_total{service="orders",outcome="200"} 1',
          'tributary_downstream_calls_total{service="customers",outcome="200"} 1',
          'tributary_downstream_calls_total{service="catalog",outcome="200"} 1',
          'tributary_loader_batch_size_count{loader="customerById"} 1',
          `tributary_loader_batch_size_sum{loader="customerById"} ${distinctCustomers}`,
        ]),
      );
    } finally {
      await fresh.close();
    }
  });

  it('extensions.downstream can be turned off', async () => {
    const quiet = await system.startGateway({ downstreamExtension: false });
    const response = await graphql(quiet, '{ orders(first: 1) { edges { node { id } } } }');
    expect(response.body.errors).toBeUndefined();
    expect(response.body.extensions?.downstream).toBeUndefined();
    await quiet.close();
  });
});

describe('with development off', () => {
  it('serves no playground and refuses introspection', async () => {
    const production = await system.startGateway({ development: false });
    try {
      const browserGet = await request(production.http).get('/graphql').set('accept', 'text/html');
      // Apollo answers, not the playground: a GET without a query is refused.
      expect(browserGet.status).toBe(400);
      expect(browserGet.headers['content-type']).toMatch(/^application\/json/);
      expect(browserGet.text).not.toContain('graphiql');
      expect(browserGet.text).not.toContain('Tributary playground');
      await request(production.http).get('/playground/graphiql.js').expect(404);

      const introspection = `{ __schema { types { name } } }`;
      const refused = await graphql(production, introspection);
      expect(refused.status).toBe(400);
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors).toEqual([expect.objectContaining({ message: expect.stringContaining('introspection is not allowed'), extensions: { code: 'GRAPHQL_VALIDATION_FAILED', validationErrorCode: 'INTROSPECTION_DISABLED' } })]);
      // The same query is answered in development: the refusal comes from the setting.
      const allowed = await graphql(system.gateway, introspection);
      expect(allowed.body.errors).toBeUndefined();
      expect(allowed.body.data.__schema.types.length).toBeGreaterThan(0);
    } finally {
      await production.close();
    }
  });
});
