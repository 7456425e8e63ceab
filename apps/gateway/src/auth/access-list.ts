import type { Role } from './principal.js';

/** What a root field needs; `admin` may use every field and is not listed. */
export interface FieldAccess {
  roles: readonly Role[];
  /**
   * field: every call of it writes an audit line (who, arguments' hash, outcome);
   * children: every field of what it returns does (each report of `reports { … }`).
   */
  audit?: 'field' | 'children';
}

const READERS: readonly Role[] = ['reporter', 'exporter'];

/**
 * Who may use each root field of the gateway's schema: the one list that the field
 * guard enforces, the schema's descriptions state, and the role tests run through. A
 * root field without a line here refuses to boot (schema-access.ts): nothing is open by
 * omission.
 */
export const ACCESS_LIST: Readonly<Record<string, FieldAccess>> = {
  'Query.customer': { roles: READERS },
  'Query.customers': { roles: READERS },
  'Query.allCustomers': { roles: READERS },
  'Query.product': { roles: READERS },
  'Query.products': { roles: READERS },
  'Query.orders': { roles: READERS },
  'Query.reports': { roles: READERS, audit: 'children' },
  'Query.reporting': { roles: READERS },
  'Query.export': { roles: ['exporter'] },
  'Query.exports': { roles: ['exporter'] },
  'Mutation.startExport': { roles: ['exporter'], audit: 'field' },
  'Mutation.cancelExport': { roles: ['exporter'], audit: 'field' },
  'Mutation.placeOrder': { roles: ['placer'], audit: 'field' },
  'Query.orderPlacement': { roles: ['placer'] },
};

export function mayUse(roles: readonly Role[], access: FieldAccess): boolean {
  return roles.includes('admin') || roles.some((role) => access.roles.includes(role));
}

/** The roles that may use a field, admin included: what the schema and errors name. */
export function rolesOf(access: FieldAccess): Role[] {
  return [...access.roles, 'admin'];
}
