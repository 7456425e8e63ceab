/**
 * The floor of the benchmark: each scenario as the one SQL statement a developer with
 * every table in one database would write, its rows shaped into the same JSON as the
 * gateway's `data`. Report semantics follow the orders service's aggregate: cancelled
 * orders excluded, periods from inclusive to exclusive.
 */
export type Query = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;
type Period = { from: string; to: string };

// Every status but CANCELLED; as `IN (the three others)` the planner walks the status index.
const COUNTED = `o.status <> 'CANCELLED'`;
const IN_PERIOD = `o.placed_at >= $1::timestamptz AND o.placed_at < $2::timestamptz`;

async function ordersPage(query: Query, { first, from, to }: Period & { first: number }) {
  const rows = await query(
    `SELECT o.id, o.placed_at, o.status, o.currency, o.total_cents,
            CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'name', c.name, 'email', c.email, 'country', c.country) END AS customer,
            (SELECT json_agg(json_build_object(
                      'lineNo', l.line_no, 'quantity', l.quantity, 'unitPriceCents', l.unit_price_cents,
                      'product', CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'sku', p.sku, 'title', p.title, 'category', p.category) END)
                    ORDER BY l.line_no)
               FROM order_lines l LEFT JOIN products p ON p.id = l.product_id
              WHERE l.order_id = o.id) AS lines
       FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
      WHERE ${IN_PERIOD}
      ORDER BY o.updated_at, o.id
      LIMIT $3`,
    [from, to, first + 1],
  );
  return {
    orders: {
      edges: rows.slice(0, first).map((row) => ({
        node: {
          id: row.id,
          placedAt: (row.placed_at as Date).toISOString(),
          status: row.status,
          currency: row.currency,
          // A 64-bit column: a bigint or a string, depending on the driver.
          totalCents: Number(row.total_cents),
          customer: row.customer,
          lines: row.lines ?? [],
        },
      })),
      pageInfo: { hasNextPage: rows.length > first, endCursor: null },
    },
  };
}

/** The calibration: the first 1000 orders in (updated_at, id) order, with customers and lines' products. */
async function calibration(query: Query) {
  const rows = await query(
    `SELECT o.id, o.placed_at,
            CASE WHEN c.id IS NULL THEN NULL ELSE json_build_object('id', c.id, 'name', c.name) END AS customer,
            (SELECT json_agg(json_build_object('quantity', l.quantity, 'product', CASE WHEN p.id IS NULL THEN NULL ELSE json_build_object('id', p.id, 'title', p.title) END) ORDER BY l.line_no)
               FROM order_lines l LEFT JOIN products p ON p.id = l.product_id WHERE l.order_id = o.id) AS lines
       FROM orders o LEFT JOIN customers c ON c.id = o.customer_id
      ORDER BY o.updated_at, o.id
      LIMIT 1000`,
    [],
  );
  return { orders: { edges: rows.map((row) => ({ node: { id: row.id, placedAt: (row.placed_at as Date).toISOString(), customer: row.customer, lines: row.lines ?? [] } })) } };
}

async function topCustomers(query: Query, { from, to }: Period) {
  const rows = await query(
    `SELECT t.customer_id, t.currency, t.revenue_cents, t.order_count, c.name, c.country
       FROM (SELECT o.customer_id, o.currency, SUM(o.total_cents)::bigint AS revenue_cents, COUNT(*) AS order_count,
                    row_number() OVER (PARTITION BY o.currency ORDER BY SUM(o.total_cents) DESC, o.customer_id) AS rank
               FROM orders o WHERE ${IN_PERIOD} AND ${COUNTED}
              GROUP BY o.customer_id, o.currency) t
       LEFT JOIN customers c ON c.id = t.customer_id
      WHERE t.rank <= 10
      ORDER BY t.currency, t.revenue_cents DESC, t.customer_id`,
    [from, to],
  );
  return {
    reports: {
      topCustomers: rows.map((row) => ({
        customer: row.name === null ? null : { id: row.customer_id, name: row.name, country: row.country },
        currency: row.currency,
        revenueCents: Number(row.revenue_cents),
        orderCount: Number(row.order_count),
      })),
    },
  };
}

async function salesByMonth(query: Query, { from, to }: Period) {
  const rows = await query(
    // Distinct customers by a two-level hash aggregate: COUNT(DISTINCT) would sort every order.
    `SELECT to_char(c.month, 'YYYY-MM') AS month, c.currency, SUM(c.revenue_cents)::bigint AS revenue_cents,
            SUM(c.order_count)::bigint AS order_count, COUNT(*) AS customer_count
       FROM (SELECT date_trunc('month', o.placed_at AT TIME ZONE 'UTC') AS month, o.currency, o.customer_id, SUM(o.total_cents) AS revenue_cents, COUNT(*) AS order_count
               FROM orders o WHERE ${IN_PERIOD} AND ${COUNTED} GROUP BY 1, 2, 3) c
      GROUP BY c.month, c.currency ORDER BY 1, 2`,
    [from, to],
  );
  return {
    reports: {
      salesByMonth: rows.map((row) => ({
        month: row.month,
        currency: row.currency,
        revenueCents: Number(row.revenue_cents),
        orderCount: Number(row.order_count),
        customerCount: Number(row.customer_count),
      })),
    },
  };
}

async function salesByCategory(query: Query, { from, to }: Period) {
  const rows = await query(
    `SELECT COALESCE(p.category, 'Unknown product') AS category, o.currency,
            SUM(l.quantity::bigint * l.unit_price_cents)::bigint AS revenue_cents, SUM(l.quantity)::bigint AS units
       FROM orders o JOIN order_lines l ON l.order_id = o.id LEFT JOIN products p ON p.id = l.product_id
      WHERE ${IN_PERIOD} AND ${COUNTED}
      GROUP BY 1, 2 ORDER BY revenue_cents DESC, 1, 2`,
    [from, to],
  );
  return {
    reports: {
      salesByCategory: rows.map((row) => ({ category: row.category, currency: row.currency, revenueCents: Number(row.revenue_cents), units: Number(row.units) })),
    },
  };
}

type Answer = (query: Query, variables: never) => Promise<unknown>;

/** The direct-SQL answer of each scenario, by scenario name. */
export const DIRECT_SQL_ANSWERS: Readonly<Record<string, Answer>> = {
  calibration,
  'orders-1000': ordersPage,
  'topCustomers-month': topCustomers,
  'topCustomers-year': topCustomers,
  'salesByMonth-month': salesByMonth,
  'salesByMonth-year': salesByMonth,
  'salesByCategory-month': salesByCategory,
  'salesByCategory-year': salesByCategory,
};
