import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLNamedType, type GraphQLSchema, type GraphQLType, type SelectionSetNode } from 'graphql';

/**
 * The fields the gateway asks each service for (AIP-157 read masks), per request:
 * undefined asks for every field.
 */
export interface ReadMasks {
  customer?: string;
  product?: string;
  order?: string;
}

/** GraphQL fields that the gateway resolves from other fields of the resource: what each needs downstream. */
const NEEDS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  Customer: { orders: ['id'] },
  Order: { customer: ['customerId'] },
  OrderLine: { product: ['productId'] },
  Product: {},
};

/**
 * Fields whose resolvers load entities for their own use, not to return them, and the
 * service fields they read: the live sales by category asks the catalog for each
 * product's category. A resolver that starts doing so must say it here.
 */
const OWN_USE: Readonly<Record<string, Partial<Record<keyof ReadMasks, readonly string[]>>>> = {
  'Reports.salesByCategory': { product: ['category'] },
};

/** The resources the services send, by GraphQL type; an order's lines come inside it. */
const MASKED: Readonly<Record<keyof ReadMasks, string>> = { customer: 'Customer', product: 'Product', order: 'Order' };

/**
 * Every field the operation selects on Customer, Product, Order and OrderLine,
 * anywhere in the document (fragments and every alias included), mapped to the
 * service fields that answer it: a GraphQL field of these types is the contract's
 * field of the same name, but for the relations in NEEDS. One mask per resource for
 * the whole request, because a request's loaders share each entity between the
 * places that select it. The id is always asked for: batches are aligned by it.
 *
 * The gateway reads a 1000-order page with its customers and products in about a
 * quarter of the bytes when a dashboard asks for a few fields of each, and every hop
 * (the statement's JSON, the socket, the gateway's parse and its garbage) shrinks with it.
 */
export function readMasksOf(schema: GraphQLSchema, document: DocumentNode): ReadMasks {
  const selected = new Map<string, Set<string>>(Object.keys(NEEDS).map((type) => [type, new Set<string>()]));
  const ownUse: Record<keyof ReadMasks, string[]> = { customer: [], product: [], order: [] };
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]));
  // Walked by hand rather than with graphql's TypeInfo: Nest builds the schema with graphql's
  // CommonJS build, and TypeInfo's instanceof checks refuse it from the ES build (vitest's).
  const walk = (selectionSet: SelectionSetNode, parent: GraphQLNamedType | undefined) => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (!parent || name === '__typename') continue;
        selected.get(parent.name)?.add(name);
        for (const [resource, fields] of Object.entries(OWN_USE[`${parent.name}.${name}`] ?? {})) ownUse[resource as keyof ReadMasks].push(...fields);
        const field = 'getFields' in parent ? parent.getFields()[name] : undefined;
        if (selection.selectionSet && field) walk(selection.selectionSet, namedType(field.type));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        walk(selection.selectionSet, selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (fragment) walk(fragment.selectionSet, schema.getType(fragment.typeCondition.name.value));
      }
    }
  };
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const root = definition.operation === 'query' ? schema.getQueryType() : definition.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
    walk(definition.selectionSet, root ?? undefined);
  }
  const downstreamFields = (type: string) => [...selected.get(type)!].flatMap((field) => NEEDS[type]![field] ?? [field]);
  const lineFields = downstreamFields('OrderLine');
  const masks: ReadMasks = {};
  for (const [resource, type] of Object.entries(MASKED) as Array<[keyof ReadMasks, string]>) {
    const fields = new Set(['id', ...downstreamFields(type), ...ownUse[resource]]);
    if (fields.has('lines')) {
      fields.delete('lines');
      // Lines selected for their __typename alone still need to exist: one field of each.
      for (const field of lineFields.length ? lineFields : ['lineNo']) fields.add(`lines.${field}`);
    }
    masks[resource] = [...fields].join(',');
  }
  return masks;
}

/** A field's type without its lists and non-nulls. */
function namedType(type: GraphQLType): GraphQLNamedType {
  let inner: GraphQLType = type;
  while ('ofType' in inner) inner = inner.ofType;
  return inner;
}

/** Documents whose masks are kept: a dashboard sends a few dozen distinct ones. */
const MAX_KEPT = 500;

/** Sets the request's read masks (context.readMasks) once its operation is known, computed once per document. */
export function readMasksPlugin(): ApolloServerPlugin<{ readMasks: ReadMasks }> {
  const kept = new Map<string, ReadMasks>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, queryHash, contextValue }) {
          let masks = kept.get(queryHash);
          if (!masks) {
            if (kept.size >= MAX_KEPT) kept.delete(kept.keys().next().value!);
            kept.set(queryHash, (masks = readMasksOf(schema, document)));
          }
          Object.assign(contextValue.readMasks, masks);
        },
      };
    },
  };
}

