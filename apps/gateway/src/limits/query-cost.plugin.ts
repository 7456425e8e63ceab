import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';

/**
 * graphql-armor's cost weights, kept so that a document with its sizes written as
 * literals costs what it cost under armor's validation rule, and QUERY_LIMITS.maxCost
 * keeps its meaning: a leaf 1, an object 2 plus its selection times 1.5 per level.
 */
export const COST_WEIGHTS = { scalar: 1, object: 2, perLevel: 1.5 } as const;

/** The extensions code of a refused document, Apollo Router's for the same refusal. */
export const COST_ERROR_CODE = 'COST_ESTIMATED_TOO_EXPENSIVE';

/** Report fields with a row per month of their period (salesByCategory only when grouped by month). */
function monthlyRows(coordinate: string, args: Record<string, unknown>): boolean {
  return coordinate === 'Reports.salesByMonth' || (coordinate === 'Reports.salesByCategory' && args.groupBy === 'MONTH');
}

/** Calendar months (UTC) that [from, to) touches; 1 for an empty or reversed period, which the resolver refuses. */
export function monthsOf(from: Date, to: Date): number {
  const last = new Date(to.getTime() - 1);
  const months = (last.getUTCFullYear() - from.getUTCFullYear()) * 12 + (last.getUTCMonth() - from.getUTCMonth()) + 1;
  return Number.isFinite(months) ? Math.max(1, months) : 1;
}

/**
 * How many rows a field answers, from its arguments with the variables and the schema's
 * defaults applied: a page size (`first`, `last`, `limit`), the length of an `ids` list,
 * or the months of a monthly report's period. Lists no argument bounds (an order's
 * lines, report rows per category or country) count 1, as under armor.
 */
export function rowsOf(coordinate: string, args: Record<string, unknown>): number {
  const sizes = [args.first, args.last, args.limit].filter((size): size is number => typeof size === 'number');
  if (Array.isArray(args.ids)) sizes.push(args.ids.length);
  if (monthlyRows(coordinate, args) && args.from instanceof Date && args.to instanceof Date) sizes.push(monthsOf(args.from, args.to));
  return Math.max(1, ...sizes);
}

const estimator: ComplexityEstimator = ({ type, field, node, args, childComplexity }) => {
  // Introspection is free, as under armor; production turns it off anyway.
  if (field.name === '__schema') return 0;
  if (!node.selectionSet) return COST_WEIGHTS.scalar;
  return (COST_WEIGHTS.object + COST_WEIGHTS.perLevel * childComplexity) * rowsOf(`${type.name}.${field.name}`, args);
};

export interface CostRequest {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string;
  variables?: Record<string, unknown>;
}

/**
 * The cost of the operation that will run, variables applied, rounded up. Fragments
 * count as their fields would inline; a field that `@skip`/`@include` leaves out costs
 * nothing. Throws what graphql-query-complexity throws: variables that do not coerce,
 * or more than 10,000 selections once fragments are expanded.
 */
export function queryCost({ schema, document, operationName, variables }: CostRequest): number {
  return Math.ceil(getComplexity({ schema, query: document, estimators: [estimator], variables: variables ?? {}, ...(operationName ? { operationName } : {}) }));
}

/** A variable that does not coerce: execution refuses the whole operation before any resolver runs. */
function isVariableError(error: unknown): boolean {
  return error instanceof Error && 'nodes' in error && Array.isArray(error.nodes) && (error.nodes[0] as { kind?: string } | undefined)?.kind === 'VariableDefinition';
}

function refusal(message: string, extensions: Record<string, unknown>): GraphQLError {
  // A request error, with no data: 400 (requestErrorStatusPlugin makes it 200 for application/json-only clients).
  return new GraphQLError(message, { extensions: { code: COST_ERROR_CODE, ...extensions, http: { status: 400 } } });
}

/**
 * Refuses an operation whose cost, with its variables applied, is over `maxCost`, once
 * Apollo knows the operation and before anything executes: a refused document costs no
 * downstream call. graphql-armor's cost rule ran during validation, where a variable
 * `first` counted 1; this replaces it.
 */
export function queryCostPlugin(maxCost: number): ApolloServerPlugin {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operation, request }) {
          // Apollo answers "unknown operation" itself; nothing runs.
          if (!operation) return;
          let cost: number;
          try {
            cost = queryCost({ schema, document, operationName: operation.name?.value, variables: request.variables });
          } catch (error) {
            if (isVariableError(error)) return;
            throw refusal(`The query's cost cannot be computed (${error instanceof Error ? error.message : String(error)}); it is refused.`, { maxCost });
          }
          if (cost > maxCost) {
            throw refusal(
              `Query cost ${cost} exceeds the limit of ${maxCost}. A list costs what one of its rows selects, times its rows: first, last or limit (variables and defaults included), or the number of ids. Ask for fewer rows or fewer fields, or split the query.`,
              { cost, maxCost },
            );
          }
        },
      };
    },
  };
}
