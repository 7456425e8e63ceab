/** A tab of the playground: its document, and the variables it opens with (JSON), if any. */
export interface ExampleTab {
  title: string;
  query: string;
  variables?: string;
}

/**
 * Places an order on the demo data as `npm start` seeds it (DEFAULT_DEMO_DATA): the customer
 * Olga Silva (DE) and the products SKU-000002 and SKU-000004, priced in EUR, with 100 to 499
 * units each. gateway-order-placement.e2e.ts runs both placement tabs on that data.
 */
export const PLACE_ORDER_TAB: ExampleTab = {
  title: 'Place an order',
  query: `# Places an order of two demo products; prices come from the catalog. The answer comes
# at once, in REQUESTED: copy its id into the next tab to follow it.
# The same idempotencyKey again answers the same placement: change it to place another.
mutation PlaceOrder {
  placeOrder(input: {
    idempotencyKey: "playground-order-1"
    customerId: "018b9b6d-6640-7111-a22f-1be629e1e566"
    currency: "EUR"
    lines: [
      { productId: "018b8d54-67e8-78c6-a0b5-fe5b4c101a16", quantity: 2 }
      { productId: "018b8d54-6fb8-74ec-9244-c7b204469243", quantity: 1 }
    ]
  }) {
    id
    state
    customer { name }
    lines { quantity product { title priceCents } }
  }
}
`,
};

export const FOLLOW_PLACEMENT_TAB: ExampleTab = {
  title: 'Follow a placement',
  query: `# Follows a placement: set $id in the variables below to the id PlaceOrder answered.
# Answers as soon as it is CONFIRMED, REJECTED or FAILED, or after waitSeconds.
query FollowPlacement($id: ID!) {
  orderPlacement(id: $id, waitSeconds: 10) {
    state
    reason
    reasonDetail
    totalCents
    lines { quantity unitPriceCents product { title } }
    order { id status totalCents placedAt }
  }
}
`,
  variables: `{ "id": "the id PlaceOrder answered" }`,
};

/** The tabs the playground opens with: report queries ready to run on the demo data, then an order placed and followed. */
export const EXAMPLE_TABS: ExampleTab[] = [
  {
    title: 'Top customers',
    query: `# The ten best customers of the last year of demo data, with their names,
# ranked by what they spent in euros: each order converted at its day's rate.
# Without currency, the ranking is within each currency.
# extensions.downstream in the result shows one call per service.
query TopCustomers {
  reports {
    topCustomers(from: "2025-11-01T00:00:00Z", to: "2026-11-01T00:00:00Z", limit: 10, currency: EUR) {
      customer { name country }
      revenueCents
      currency
      rateSource
      orderCount
    }
  }
}
`,
  },
  {
    title: 'Sales by month',
    query: `query SalesByMonth {
  reports {
    salesByMonth(from: "2026-01-01T00:00:00Z", to: "2026-07-01T00:00:00Z", currency: EUR) {
      month
      currency
      revenueCents
      orderCount
      customerCount
    }
  }
}
`,
  },
  {
    title: 'Sales by category',
    query: `query SalesByCategory {
  reports {
    salesByCategory(from: "2026-01-01T00:00:00Z", to: "2026-11-01T00:00:00Z") {
      category
      currency
      revenueCents
      units
    }
  }
}
`,
  },
  {
    title: 'Orders with customers and products',
    query: `# 100 orders, each with its customer and its lines' products: 3 downstream calls in all.
query RecentOrders {
  orders(first: 100, filter: { status: SHIPPED }) {
    edges {
      node {
        id
        placedAt
        totalCents
        customer { name }
        lines { quantity product { title category } }
      }
    }
    pageInfo { hasNextPage endCursor }
  }
}
`,
  },
  PLACE_ORDER_TAB,
  FOLLOW_PLACEMENT_TAB,
];
