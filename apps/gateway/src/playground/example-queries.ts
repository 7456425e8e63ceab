/** The tabs the playground opens with: report queries ready to run on the demo data. */
export const EXAMPLE_TABS = [
  {
    title: 'Top customers',
    query: `# The ten best customers of the last year of demo data, with their names.
# extensions.downstream in the result shows one call per service.
query TopCustomers {
  reports {
    topCustomers(from: "2025-11-01T00:00:00Z", to: "2026-11-01T00:00:00Z", limit: 10) {
      customer { name country }
      revenueCents
      currency
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
    salesByMonth(from: "2026-01-01T00:00:00Z", to: "2026-07-01T00:00:00Z") {
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
];
