import { GraphQLSchemaHost } from '@nestjs/graphql';
import type { GraphQLObjectType } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, startGatewayOverFakes, type FakeDownstream, type GatewayUnderTest } from '../support/gateway-under-test.js';

let fakes: FakeDownstream;
let gateway: GatewayUnderTest;
let close: () => Promise<void>;

beforeAll(async () => {
  ({ gateway, fakes, close } = await startGatewayOverFakes());
});

afterAll(async () => {
  await close?.();
});

describe('the schema as graphql-js runs it', () => {
  /**
   * A field resolved once per row of a page must be the resolver method itself, bound
   * to its class: Nest's fast path. A parameter decorator, a guard, an interceptor or
   * field middleware on it makes Nest wrap it in an execution context and pipes per
   * row, which cost most of a 1000-order page's CPU (see FAST_FIELD_RESOLVER).
   */
  it.each([
    ['Order', 'customer'],
    ['OrderLine', 'product'],
    ['OrderPlacementLine', 'product'],
    ['CustomerRevenue', 'customer'],
  ])('%s.%s, resolved once per row, stays on the fast path', (type, field) => {
    const schema = gateway.app.get(GraphQLSchemaHost).schema;
    // Nest's graphql is the CommonJS build and this file's the ES one: compare by shape, not class.
    const objectType = schema.getType(type) as GraphQLObjectType;
    const resolve = objectType.getFields()[field]!.resolve;
    expect(resolve?.name).toMatch(new RegExp(`^(bound )+${field}$`));
  });

  it('a field with parameter decorators is wrapped, which is what the check above tells apart', () => {
    const schema = gateway.app.get(GraphQLSchemaHost).schema;
    const resolve = (schema.getType('Customer') as GraphQLObjectType).getFields().orders!.resolve;
    expect(resolve?.name).not.toMatch(/^(bound )+orders$/);
  });

  it('a NUL character in a GraphQL argument is BAD_USER_INPUT naming the argument, and reaches no service', async () => {
    const response = await graphql(gateway, '{ customer(id: "a\\u0000b") { id } }');
    expect(response.body.errors).toEqual([
      expect.objectContaining({ message: 'id must not contain the NUL character (U+0000)', extensions: { code: 'BAD_USER_INPUT', errors: [{ field: 'id', message: 'id must not contain the NUL character (U+0000)' }] } }),
    ]);
    expect(fakes.customers.calls).toEqual([]);
  });
});
