import { Prisma } from '../../apps/orders/src/generated/prisma/client.js';
import type { SqlQuery } from '../sql-client.js';
import { pageRequestOrThrow, toConnection, type OrderRow, type OrdersArgs, type OrdersConnection, type PageRequest } from './orders-page.js';

type Line = OrderRow['lines'][number] & { orderId: string };

/** The page's orders: the keyset window and filters of readOrdersPage, as one plain statement. */
function pageStatement({ first, bounds, filters }: PageRequest): Prisma.Sql {
  const conditions = [
    Prisma.sql`updated_at <= ${bounds.horizon}`,
    ...(bounds.from ? [Prisma.sql`updated_at >= ${bounds.from}`] : []),
    ...(bounds.after ? [Prisma.sql`(updated_at > ${bounds.after.updatedAt} OR id > ${bounds.after.id})`] : []),
    ...(filters.customerId ? [Prisma.sql`customer_id = ${filters.customerId}`] : []),
    ...(filters.status ? [Prisma.sql`status = ${filters.status}::"OrderStatus"`] : []),
    ...(filters.placedFrom ? [Prisma.sql`placed_at >= ${filters.placedFrom}`] : []),
    ...(filters.placedTo ? [Prisma.sql`placed_at < ${filters.placedTo}`] : []),
  ];
  return Prisma.sql`SELECT id, customer_id AS "customerId", placed_at AS "placedAt", status, currency, total_cents AS "totalCents", updated_at AS "updatedAt"
    FROM orders WHERE ${Prisma.join(conditions, ' AND ')}
    ORDER BY updated_at, id LIMIT ${first + 1}`;
}

/**
 * One page of the orders connection in two plain statements: the orders (one row more
 * than the page), then their lines by `order_id = ANY($1)`. The same rows as
 * readOrdersPage's single Prisma statement, which aggregates the lines into JSON.
 */
export async function readOrdersPageSql(query: SqlQuery, args: OrdersArgs): Promise<OrdersConnection> {
  const request = pageRequestOrThrow(args);
  const statement = pageStatement(request);
  const orders = (await query(statement.text, statement.values)) as unknown as Array<Omit<OrderRow, 'lines'>>;
  const lines = orders.length
    ? ((await query('SELECT order_id AS "orderId", line_no AS "lineNo", product_id AS "productId", quantity, unit_price_cents AS "unitPriceCents" FROM order_lines WHERE order_id = ANY($1) ORDER BY order_id, line_no', [
        orders.map((order) => order.id),
      ])) as unknown as Line[])
    : [];
  const linesByOrder = new Map<string, Line[]>(orders.map((order) => [order.id, []]));
  for (const line of lines) linesByOrder.get(line.orderId)!.push(line);
  const rows: OrderRow[] = orders.map((order) => ({ ...order, lines: linesByOrder.get(order.id)! }));
  return toConnection(rows, request.first);
}
