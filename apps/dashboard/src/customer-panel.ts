import { h } from './dom.js';
import { day, instant, integer, money } from './format.js';
import { RequestFailed, type GraphQLClient, type GraphQLResponse } from './graphql-client.js';
import { CUSTOMER_SUMMARY, type CustomerSummaryRow } from './operations.js';
import { Panel } from './panel.js';
import type { ReportView } from './report-panels.js';

/** Orders of the period fetched (Customer.orders is oldest first) and, of those, the newest shown. */
export const CUSTOMER_ORDERS_FETCHED = 100;
export const CUSTOMER_ORDERS_SHOWN = 10;

type SummaryAnswer = { reports: { customerSummary: Array<CustomerSummaryRow | null> | null } | null };

/**
 * The summary of the customer chosen in Top customers: all time (first and last order,
 * revenue, orders: customerSummary, which is always live), and their orders in the period.
 */
export class CustomerSummaryPanel {
  constructor(
    readonly panel: Panel,
    private readonly client: GraphQLClient,
    private readonly close: () => void,
  ) {}

  async load(customerId: string | null, view: ReportView): Promise<void> {
    this.panel.root.dataset.customerId = customerId ?? '';
    if (!customerId) return this.panel.idle('Choose a customer in Top customers to see their summary.');
    const signal = this.panel.begin();
    let answer: GraphQLResponse<SummaryAnswer>;
    const { from, to, currency } = view.variables;
    try {
      answer = await this.client.request<SummaryAnswer>(CUSTOMER_SUMMARY, { id: customerId, currency, from, to, orders: CUSTOMER_ORDERS_FETCHED }, signal);
    } catch (error) {
      if (signal.aborted) return;
      if (error instanceof RequestFailed) return this.panel.fail([error]);
      throw error;
    }
    if (signal.aborted) return;
    this.panel.showFreshness(answer.freshness.customerSummary, new Date(), 'customer summaries are always asked of the services');
    const summary = answer.data?.reports?.customerSummary?.[0];
    if (!summary) return this.panel.fail(answer.errors.length ? answer.errors : [{ message: `no customer has the id ${customerId}`, extensions: { code: 'NOT_FOUND' } }]);
    this.render(summary, view);
    this.panel.ready(answer.errors);
  }

  private render(summary: CustomerSummaryRow, view: ReportView): void {
    const { customer } = summary;
    const currency = summary.currency;
    const orders = (customer.orders?.edges ?? []).map((edge) => edge.node);
    const newest = orders.slice(-CUSTOMER_ORDERS_SHOWN).reverse();
    const more = customer.orders?.pageInfo.hasNextPage ? `more than ${integer(orders.length)}` : integer(orders.length);
    const closeButton = h('button', { type: 'button', class: 'secondary' }, 'Close the summary');
    closeButton.addEventListener('click', () => this.close());
    const fact = (name: string, label: string, value: string) => [h('dt', {}, label), h('dd', { 'data-field': name }, value)];
    this.panel.body.replaceChildren(
      h('h3', { class: 'customer-name', 'data-field': 'name' }, customer.name),
      h('p', { class: 'customer-meta' }, h('span', { 'data-field': 'country' }, customer.country), ' · ', h('span', { 'data-field': 'email' }, customer.email)),
      h(
        'dl',
        { class: 'facts', 'data-revenue-cents': summary.revenueCents, 'data-order-count': summary.orderCount, 'data-currency': currency ?? '', 'data-first-order-at': summary.firstOrderAt ?? '', 'data-last-order-at': summary.lastOrderAt ?? '' },
        ...fact('revenue', 'Revenue, all time', currency ? money(summary.revenueCents, currency) : '—'),
        ...fact('orders', 'Orders, all time', integer(summary.orderCount)),
        ...fact('first-order', 'First order', summary.firstOrderAt ? instant(summary.firstOrderAt) : 'none'),
        ...fact('last-order', 'Last order', summary.lastOrderAt ? instant(summary.lastOrderAt) : 'none'),
      ),
      h('h4', {}, 'Orders in this period'),
      orders.length === 0
        ? h('p', { class: 'note' }, `No orders from ${customer.name} in this period.`)
        : h(
            'div',
            { class: 'table-scroll' },
            h(
              'table',
              { class: 'customer-orders', 'data-report': 'customerOrders' },
              h('caption', {}, `The ${newest.length < orders.length ? `${newest.length} newest of ${more}` : more} orders from ${customer.name}, ${view.periodText}`),
              h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Placed'), h('th', { scope: 'col' }, 'Status'), h('th', { scope: 'col', class: 'number' }, 'Total'), h('th', { scope: 'col', class: 'number' }, 'Units'))),
              h(
                'tbody',
                {},
                ...newest.map((order) =>
                  h(
                    'tr',
                    { 'data-order-id': order.id, 'data-total-cents': order.totalCents },
                    h('td', {}, day(order.placedAt)),
                    h('td', {}, order.status),
                    h('td', { class: 'number' }, money(order.totalCents, order.currency)),
                    h('td', { class: 'number' }, integer(order.units)),
                  ),
                ),
              ),
            ),
          ),
      closeButton,
    );
  }
}
