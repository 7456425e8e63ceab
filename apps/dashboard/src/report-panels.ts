import { MoneyBarChart } from './charts.js';
import { dataTable, h } from './dom.js';
import { integer, money, month as monthName } from './format.js';
import { RequestFailed, type GraphQLClient, type GraphQLResponse } from './graphql-client.js';
import { REVENUE_BY_MONTH, SALES_BY_CATEGORY, TOP_CUSTOMERS, type CategorySalesRow, type CustomerRevenueRow, type MonthlySalesRow, type PeriodVariables } from './operations.js';
import { Panel } from './panel.js';
import { monthsOf, type Period } from './view-state.js';

export const NO_ORDERS = 'No orders in this period.';
export const TOP_CUSTOMER_LIMIT = 10;

/** What every report panel is asked to show. */
export interface ReportView {
  period: Period;
  variables: PeriodVariables;
  /** Describes the period in captions: "1 Nov 2025 – 31 Oct 2026". */
  periodText: string;
}

type ReportsAnswer<K extends string, T> = { reports: { [key in K]: T[] | null } | null };

/**
 * One report, one request: a service that fails breaks its panel only. Rows (possibly
 * empty) go to `render`; no rows and errors make the panel show the errors.
 */
async function loadReport<K extends string, T>(panel: Panel, client: GraphQLClient, document: string, field: K, variables: object, render: (rows: T[], answer: GraphQLResponse<ReportsAnswer<K, T>>) => void): Promise<void> {
  const signal = panel.begin();
  let answer: GraphQLResponse<ReportsAnswer<K, T>>;
  try {
    answer = await client.request<ReportsAnswer<K, T>>(document, variables, signal);
  } catch (error) {
    if (signal.aborted) return;
    if (error instanceof RequestFailed) return panel.fail([error]);
    throw error;
  }
  if (signal.aborted) return;
  const rows = answer.data?.reports?.[field];
  panel.showFreshness(answer.freshness[field], new Date());
  if (!rows) return panel.fail(answer.errors.length ? answer.errors : [{ message: `the gateway answered no ${field}` }]);
  if (rows.length === 0) return panel.empty(NO_ORDERS);
  render(rows, answer);
  panel.ready(answer.errors);
}

const currenciesOf = (rows: Array<{ currency: string }>) => [...new Set(rows.map((row) => row.currency))].sort();

export class RevenueByMonthPanel {
  private readonly chart: MoneyBarChart;

  constructor(
    readonly panel: Panel,
    private readonly client: GraphQLClient,
  ) {
    this.chart = new MoneyBarChart(panel.root.querySelector<HTMLElement>('.chart')!);
  }

  load(view: ReportView): Promise<void> {
    this.chart.clear();
    return loadReport<'salesByMonth', MonthlySalesRow>(this.panel, this.client, REVENUE_BY_MONTH, 'salesByMonth', view.variables, (rows) => {
      const months = monthsOf(view.period);
      const series = currenciesOf(rows).map((currency) => ({ currency, values: months.map((m) => rows.find((row) => row.month === m && row.currency === currency)?.revenueCents ?? null) }));
      this.chart.draw({ categories: months.map(monthName), series, title: `Revenue by month, ${view.periodText}` });
      this.panel.body.replaceChildren(
        dataTable(
          `Revenue by month, ${view.periodText}`,
          ['Month', 'Revenue', 'Orders', 'Customers'],
          rows.map((row) => ({
            cells: [monthName(row.month), money(row.revenueCents, row.currency), integer(row.orderCount), integer(row.customerCount)],
            data: { month: row.month, currency: row.currency, 'revenue-cents': row.revenueCents, 'order-count': row.orderCount, 'customer-count': row.customerCount },
          })),
          { class: 'visually-hidden', 'data-report': 'salesByMonth' },
        ),
      );
    });
  }
}

export class SalesByCategoryPanel {
  private readonly chart: MoneyBarChart;

  constructor(
    readonly panel: Panel,
    private readonly client: GraphQLClient,
  ) {
    this.chart = new MoneyBarChart(panel.root.querySelector<HTMLElement>('.chart')!);
  }

  load(view: ReportView): Promise<void> {
    this.chart.clear();
    return loadReport<'salesByCategory', CategorySalesRow>(this.panel, this.client, SALES_BY_CATEGORY, 'salesByCategory', view.variables, (rows) => {
      // The report's order: by revenue, the best first.
      const categories = [...new Set(rows.map((row) => row.category))];
      const series = currenciesOf(rows).map((currency) => ({ currency, values: categories.map((c) => rows.find((row) => row.category === c && row.currency === currency)?.revenueCents ?? null) }));
      this.chart.draw({ categories, series, horizontal: true, title: `Sales by category, ${view.periodText}` });
      this.panel.body.replaceChildren(
        dataTable(
          `Sales by category, ${view.periodText}`,
          ['Category', 'Revenue', 'Units'],
          rows.map((row) => ({ cells: [row.category, money(row.revenueCents, row.currency), integer(row.units)], data: { category: row.category, currency: row.currency, 'revenue-cents': row.revenueCents, units: row.units } })),
          { class: 'visually-hidden', 'data-report': 'salesByCategory' },
        ),
      );
    });
  }
}

export class TopCustomersPanel {
  constructor(
    readonly panel: Panel,
    private readonly client: GraphQLClient,
    /** A customer's name was pressed: open their summary. */
    private readonly open: (customerId: string) => void,
  ) {}

  load(view: ReportView): Promise<void> {
    return loadReport<'topCustomers', CustomerRevenueRow>(this.panel, this.client, TOP_CUSTOMERS, 'topCustomers', { ...view.variables, limit: TOP_CUSTOMER_LIMIT }, (rows) => {
      const perCurrency = view.variables.currency === null;
      const body = rows.map((row, index) => {
        const name = row.customer
          ? h('button', { type: 'button', class: 'link', 'data-customer-id': row.customer.id, 'aria-label': `${row.customer.name}: open the summary` }, row.customer.name)
          : h('span', { class: 'missing' }, 'Unknown customer');
        if (row.customer) {
          const id = row.customer.id;
          name.addEventListener('click', () => this.open(id));
        }
        const rank = perCurrency ? rows.slice(0, index + 1).filter((other) => other.currency === row.currency).length : index + 1;
        return h(
          'tr',
          { 'data-customer-id': row.customer?.id ?? '', 'data-currency': row.currency, 'data-revenue-cents': row.revenueCents, 'data-order-count': row.orderCount },
          h('td', { class: 'rank' }, String(rank)),
          h('th', { scope: 'row' }, name),
          h('td', {}, row.customer?.country ?? '—'),
          h('td', { class: 'number' }, money(row.revenueCents, row.currency)),
          h('td', { class: 'number' }, integer(row.orderCount)),
        );
      });
      this.panel.body.replaceChildren(
        h(
          'div',
          { class: 'table-scroll' },
          h(
            'table',
            { class: 'top-customers', 'data-report': 'topCustomers' },
            h('caption', {}, `The ${TOP_CUSTOMER_LIMIT} best customers${perCurrency ? ' in each currency' : ''}, ${view.periodText}. Choose a name for their summary.`),
            h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, '#'), h('th', { scope: 'col' }, 'Customer'), h('th', { scope: 'col' }, 'Country'), h('th', { scope: 'col', class: 'number' }, 'Revenue'), h('th', { scope: 'col', class: 'number' }, 'Orders'))),
            h('tbody', {}, ...body),
          ),
        ),
      );
    });
  }
}
