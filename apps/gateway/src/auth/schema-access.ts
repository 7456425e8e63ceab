import { defaultFieldResolver, GraphQLError, type GraphQLField, type GraphQLFieldResolver, type GraphQLObjectType, type GraphQLOutputType, type GraphQLSchema } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { DomainException } from '@tributary/core';
import type { GatewayContext } from '../loaders/request-loaders.js';
import { graphqlCodeOf } from '../operations/graphql-errors.js';
import { DownstreamError } from '../downstream/downstream.error.js';
import { ACCESS_LIST, mayUse, rolesOf, type FieldAccess } from './access-list.js';
import type { AuditLog } from './audit-log.js';

type Resolver = GraphQLFieldResolver<unknown, GatewayContext, Record<string, unknown>>;

/**
 * Puts the access list into the schema: every root field checks the caller's roles
 * before its resolver runs (a refusal is a FORBIDDEN error at that field, the rest of
 * the answer intact), states its roles in its description, and writes audit lines where
 * the list says so. Only root fields and the few audited ones are wrapped: the fields
 * resolved once per row keep their plain resolvers.
 */
export function applyAccessList(schema: GraphQLSchema, audit: AuditLog): GraphQLSchema {
  for (const rootType of [schema.getQueryType(), schema.getMutationType()]) {
    if (!rootType) continue;
    for (const field of Object.values(rootType.getFields())) {
      const coordinate = `${rootType.name}.${field.name}`;
      const access = ACCESS_LIST[coordinate];
      if (!access) throw new Error(`${coordinate} has no line in ACCESS_LIST (apps/gateway/src/auth/access-list.ts): say which roles may use it`);
      field.description = `${field.description ?? ''}\n\nRoles: ${rolesOf(access).join(', ')}.`.trim();
      field.resolve = guarded(coordinate, access, access.audit === 'field' ? audited(coordinate, resolverOf(field), audit) : resolverOf(field), audit);
      if (access.audit === 'children') {
        const returned = objectTypeOf(field.type);
        if (!returned) throw new Error(`${coordinate} audits its children but returns ${String(field.type)}, which has no fields`);
        for (const child of Object.values(returned.getFields())) child.resolve = audited(`${returned.name}.${child.name}`, resolverOf(child), audit);
      }
    }
  }
  const unused = Object.keys(ACCESS_LIST).filter((coordinate) => {
    const [type, field] = coordinate.split('.') as [string, string];
    const rootType = type === 'Query' ? schema.getQueryType() : schema.getMutationType();
    return !rootType?.getFields()[field];
  });
  if (unused.length > 0) throw new Error(`ACCESS_LIST names fields the schema does not have: ${unused.join(', ')}`);
  return schema;
}

/**
 * The object type a field returns, through lists and non-nulls. By shape, not with
 * graphql's isObjectType: Nest builds the schema with graphql's CommonJS build and this
 * file loads the ES one, so instanceof sees two different classes.
 */
function objectTypeOf(type: GraphQLOutputType): GraphQLObjectType | null {
  let named: GraphQLOutputType = type;
  while ('ofType' in named) named = named.ofType;
  return 'getFields' in named && !('getTypes' in named) ? (named as GraphQLObjectType) : null;
}

const resolverOf = (field: GraphQLField<unknown, unknown>) => (field.resolve ?? defaultFieldResolver) as Resolver;

function guarded(coordinate: string, access: FieldAccess, resolve: Resolver, audit: AuditLog): Resolver {
  return (source, args, context, info) => {
    const { principal } = context;
    const roles = principal?.roles ?? [];
    if (!mayUse(roles, access)) {
      // A refused attempt at a report, an export or a placement is worth a line too.
      if (principal && access.audit) audit.record({ principal, field: coordinate, args, outcome: 'FORBIDDEN' });
      throw new GraphQLError(`${coordinate} needs the role ${rolesOf(access).join(' or ')}; this credential has ${roles.join(', ') || 'none'}`, {
        extensions: { code: 'FORBIDDEN', requiredRoles: rolesOf(access) },
      });
    }
    return resolve(source, args, context, info);
  };
}

function audited(field: string, resolve: Resolver, audit: AuditLog): Resolver {
  return async (source, args, context, info) => {
    const principal = context.principal;
    try {
      const result = await resolve(source, args, context, info);
      if (principal) audit.record({ principal, field, args, outcome: 'ok' });
      return result;
    } catch (error) {
      if (principal) audit.record({ principal, field, args, outcome: codeOf(error) });
      throw error;
    }
  };
}

function codeOf(error: unknown): string {
  const original = unwrapResolverError(error);
  if (original instanceof DomainException) return graphqlCodeOf(original.code);
  if (original instanceof DownstreamError) return original.problem ? graphqlCodeOf(original.problem.code) : original.code;
  if (original instanceof GraphQLError && typeof original.extensions.code === 'string') return original.extensions.code;
  return 'INTERNAL_SERVER_ERROR';
}
