import type { OrderStatus, Prisma, PrismaClient } from '../../apps/orders/src/generated/prisma/client.js';
import { badUserInput } from './bad-user-input.js';

const MAX_PAGE_SIZE = 1000;
/**
 * Pages stop this far behind now, as the orders service's lists once did (it now holds
 * back by open transactions, one statement more per page). The bench's data is old, so
 * either bound shows the same rows.
 */
const SAFETY_MARGIN_MS = 1000;

export interface OrderFilter {
  customerId?: string | null;
  status?: OrderStatus | null;
  placedFrom?: Date | null;
  placedTo?: Date | null;
  updatedSince?: Date | null;
}

export interface OrdersArgs {
  first: number;
  after?: string | null;
  filter?: OrderFilter | null;
}

export interface Position {
  updatedAt: Date;
  id: string;
}

/** The same statement as the orders service: lines aggregated into JSON by a lateral join. */
const withLines = {
  relationLoadStrategy: 'join',
  include: { lines: { select: { lineNo: true, productId: true, quantity: true, unitPriceCents: true }, orderBy: { lineNo: 'asc' } } },
} satisfies Pick<Prisma.OrderFindManyArgs, 'relationLoadStrategy' | 'include'>;

function encodeCursor({ updatedAt, id }: Position): string {
  return Buffer.from(`${updatedAt.toISOString()}|${id}`, 'utf8').toString('base64url');
}

function decodeCursorOrThrow(cursor: string): Position {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const separator = text.indexOf('|');
  const updatedAt = new Date(text.slice(0, separator));
  const id = text.slice(separator + 1);
  if (separator < 0 || Number.isNaN(updatedAt.getTime()) || !id) throw badUserInput('after is not a cursor of this connection');
  return { updatedAt, id };
}

/** Where a page starts: the newest change it may show, the earliest, and the edge it follows. */
export interface KeysetBounds {
  /** Changes after this are held back (SAFETY_MARGIN_MS). */
  horizon: Date;
  /** The later of the cursor's updatedAt and filter.updatedSince. */
  from?: Date;
  after?: Position;
}

/** A validated page request: how many rows, the keyset window, and the filters. */
export interface PageRequest {
  first: number;
  bounds: KeysetBounds;
  filters: OrderFilter;
}

/** The arguments of the orders connection, validated as the orders service does. */
export function pageRequestOrThrow({ first, after, filter }: OrdersArgs): PageRequest {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}`);
  const position = after == null ? undefined : decodeCursorOrThrow(after);
  const filters = filter ?? {};
  if (filters.placedFrom && filters.placedTo && filters.placedFrom >= filters.placedTo) throw badUserInput('filter.placedTo must be later than filter.placedFrom');
  const lowerBounds = [position?.updatedAt, filters.updatedSince ?? undefined].filter((date): date is Date => date !== undefined);
  const from = lowerBounds.length ? new Date(Math.max(...lowerBounds.map((date) => date.getTime()))) : undefined;
  return { first, filters, bounds: { horizon: new Date(Date.now() - SAFETY_MARGIN_MS), ...(from ? { from } : {}), ...(position ? { after: position } : {}) } };
}

/** What the resolvers read of an order, from Prisma or from plain SQL (whose 64-bit totals may come as text). */
export interface OrderRow {
  id: string;
  customerId: string;
  placedAt: Date;
  status: OrderStatus;
  currency: string;
  totalCents: bigint | number | string;
  updatedAt: Date;
  lines: Array<{ lineNo: number; productId: string; quantity: number; unitPriceCents: number }>;
}

/** The connection of a page read with one row more than asked: that row only tells whether another page follows. */
export function toConnection<T extends Position>(rows: T[], first: number) {
  const edges = rows.slice(0, first).map((node) => ({ node, cursor: encodeCursor(node) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}

/** A page of the orders connection, whichever driver read it. */
export type OrdersConnection = ReturnType<typeof toConnection<OrderRow>>;

/** The orders service's keyset window over (updatedAt, id), as a Prisma `where`. */
function keysetWhere({ horizon, from, after }: KeysetBounds): Prisma.OrderWhereInput {
  return {
    updatedAt: { lte: horizon, ...(from ? { gte: from } : {}) },
    ...(after ? { OR: [{ updatedAt: { gt: after.updatedAt } }, { id: { gt: after.id } }] } : {}),
  };
}

/** One page of the orders connection, ordered by (updatedAt, id), read in one statement. */
export async function readOrdersPage(db: PrismaClient, args: OrdersArgs): Promise<OrdersConnection> {
  const { first, bounds, filters } = pageRequestOrThrow(args);
  const { placedFrom, placedTo } = filters;
  // One row more than the page tells whether another page follows.
  const rows = await db.order.findMany({
    ...withLines,
    where: {
      ...keysetWhere(bounds),
      customerId: filters.customerId ?? undefined,
      status: filters.status ?? undefined,
      placedAt: { ...(placedFrom ? { gte: placedFrom } : {}), ...(placedTo ? { lt: placedTo } : {}) },
    },
    orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
    take: first + 1,
  });
  return toConnection(rows, first);
}
