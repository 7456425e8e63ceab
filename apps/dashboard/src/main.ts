import './dashboard.css';
import { COUNTED_ORDER_STATUSES } from '@tributary/contracts';
import { ApiKeyPrompt } from './api-key.js';
import { CustomerSummaryPanel } from './customer-panel.js';
import { byId } from './dom.js';
import { ExportRun } from './exports.js';
import { day } from './format.js';
import { describeError, GraphQLClient, RequestFailed } from './graphql-client.js';
import { MONTHS_WITH_ORDERS, type ExportFormat, type StartExportInput } from './operations.js';
import { Panel } from './panel.js';
import { RevenueByMonthPanel, SalesByCategoryPanel, TopCustomersPanel, type ReportView } from './report-panels.js';
import { customPeriodProblem, dayOf, instantsOf, lastDayOf, MAX_STALENESS, monthStart, parseViewState, PER_CURRENCY, periodOf, tomorrowOf, toSearch, type Period, type PresetId, type ViewState } from './view-state.js';

/** The gateway's GraphQL endpoint, beside /dashboard/. */
const ENDPOINT = new URL('../graphql', location.href.split(/[?#]/)[0]).href;
/** How far back the default period looks for the latest month with orders. */
const LATEST_MONTH_LOOKBACK_MONTHS = 60;

/**
 * What each export button extracts: the reporting_v1 rows its panel sums, over the
 * period, in the statuses the reports count (cancelled and pending orders left out).
 */
const EXPORTS: Record<string, { what: string; dataset: string; columns?: string[] }> = {
  revenue: { what: 'the orders behind revenue by month', dataset: 'orders' },
  categories: { what: 'the sales lines behind sales by category', dataset: 'sales' },
  customers: { what: 'the sales behind top customers', dataset: 'sales', columns: ['placed_at', 'order_id', 'line_no', 'customer_id', 'customer_name', 'country', 'currency', 'revenue_cents'] },
  period: { what: 'all sales of the period', dataset: 'sales' },
};

const controls = {
  form: byId<HTMLFormElement>('controls'),
  preset: byId<HTMLSelectElement>('preset'),
  from: byId<HTMLInputElement>('from'),
  to: byId<HTMLInputElement>('to'),
  currency: byId<HTMLSelectElement>('currency'),
  maxStaleness: byId<HTMLInputElement>('max-staleness'),
  format: byId<HTMLSelectElement>('export-format'),
  refresh: byId<HTMLButtonElement>('refresh'),
  summary: byId<HTMLElement>('period-summary'),
  problem: byId<HTMLElement>('controls-problem'),
};
const main = byId<HTMLElement>('reports');

const apiKey = new ApiKeyPrompt(
  { section: byId('auth'), form: byId('auth-form'), input: byId('api-key'), message: byId('auth-message'), forget: byId('auth-forget'), toggle: byId('auth-toggle') },
  () => void reloadAll(),
);
const client = new GraphQLClient(ENDPOINT, apiKey, (message, keySent) => apiKey.ask(message, keySent));

const revenue = new RevenueByMonthPanel(new Panel(byId('panel-revenue')), client);
const categories = new SalesByCategoryPanel(new Panel(byId('panel-categories')), client);
const topCustomers = new TopCustomersPanel(new Panel(byId('panel-customers')), client, (id) => openCustomer(id));
const customerSummary = new CustomerSummaryPanel(new Panel(byId('panel-customer')), client, () => openCustomer(null));
const periodPanels = [revenue, categories, topCustomers];
const exportSlots: Record<string, HTMLElement> = {
  revenue: revenue.panel.exportSlot,
  categories: categories.panel.exportSlot,
  customers: topCustomers.panel.exportSlot,
  period: byId('period-export-status'),
};
const exportRuns = new Map<string, ExportRun>();

let state: ViewState = parseViewState(location.search);
let view: ReportView | null = null;
let latestMonth: Promise<{ month: string | null; problem: string | null }> | null = null;
let loads = 0;

/** The latest month with orders, once per page (Refresh asks again). */
function findLatestMonth(): Promise<{ month: string | null; problem: string | null }> {
  latestMonth ??= (async () => {
    const today = new Date();
    const { from, to } = instantsOf({ from: monthStart(dayOf(today).slice(0, 7), -LATEST_MONTH_LOOKBACK_MONTHS), to: tomorrowOf(today) });
    try {
      const answer = await client.request<{ reports: { salesByMonth: Array<{ month: string }> | null } | null }>(MONTHS_WITH_ORDERS, { from, to, maxStaleness: state.maxStaleness });
      const months = answer.data?.reports?.salesByMonth;
      if (!months) return { month: null, problem: answer.errors.map(describeError).join('; ') || 'no answer' };
      return { month: months.map((row) => row.month).sort().at(-1) ?? null, problem: null };
    } catch (error) {
      latestMonth = null;
      if (error instanceof RequestFailed) return { month: null, problem: describeError(error) };
      throw error;
    }
  })();
  return latestMonth;
}

async function resolvePeriod(): Promise<{ period: Period | null; note: string | null }> {
  if (state.preset === 'custom') {
    const problem = customPeriodProblem(state.from, state.to);
    return problem ? { period: null, note: problem } : { period: { from: state.from!, to: state.to! }, note: null };
  }
  if (state.preset !== 'latest-year') return { period: periodOf(state.preset, new Date()), note: null };
  const { month, problem } = await findLatestMonth();
  const period = periodOf('latest-year', new Date(), month);
  if (problem) return { period, note: `Could not find the latest month with orders (${problem}); showing the 12 months up to today.` };
  if (!month) return { period, note: `No orders in the last ${LATEST_MONTH_LOOKBACK_MONTHS / 12} years; showing the 12 months up to today.` };
  return { period, note: null };
}

function syncControls(): void {
  controls.preset.value = state.preset;
  controls.currency.value = state.currency ?? PER_CURRENCY;
  controls.maxStaleness.value = String(state.maxStaleness);
  if (state.preset === 'custom') {
    controls.from.value = state.from ?? '';
    controls.to.value = state.to ?? '';
  }
}

/** Every panel, for the view the URL describes. */
async function reloadAll(): Promise<void> {
  const load = ++loads;
  syncControls();
  controls.summary.textContent = 'Finding the period…';
  const { period, note } = await resolvePeriod();
  if (load !== loads) return;
  controls.problem.textContent = note ?? '';
  if (!period) {
    view = null;
    delete main.dataset.from;
    delete main.dataset.to;
    controls.summary.textContent = 'No period chosen.';
    for (const { panel } of [...periodPanels, customerSummary]) panel.idle(note ?? 'Choose a period.');
    return;
  }
  controls.from.value = period.from;
  controls.to.value = period.to;
  const periodText = `${day(period.from)} – ${day(lastDayOf(period))}`;
  controls.summary.textContent = `${periodText} (UTC)`;
  main.dataset.from = period.from;
  main.dataset.to = period.to;
  view = { period, periodText, variables: { ...instantsOf(period), maxStaleness: state.maxStaleness, currency: state.currency } };
  await Promise.all([...periodPanels.map((panel) => panel.load(view!)), customerSummary.load(state.customer, view)]);
}

function navigate(changes: Partial<ViewState>, reload = true): void {
  state = { ...state, ...changes };
  history.pushState(null, '', toSearch(state));
  if (reload) void reloadAll();
}

function openCustomer(id: string | null): void {
  navigate({ customer: id }, false);
  if (!view) return;
  void customerSummary.load(id, view);
  if (id) {
    const heading = byId('customer-title');
    heading.focus();
    customerSummary.panel.root.scrollIntoView({ block: 'nearest' });
  }
}

function startExport(kind: string): void {
  const definition = EXPORTS[kind];
  if (!definition || !view) return;
  exportRuns.get(kind)?.detach();
  const run = new ExportRun(client, exportSlots[kind]!, definition.what);
  exportRuns.set(kind, run);
  const input: StartExportInput = {
    dataset: definition.dataset,
    format: controls.format.value as ExportFormat,
    ...(definition.columns ? { columns: definition.columns } : {}),
    filters: { ...instantsOf(view.period), status: [...COUNTED_ORDER_STATUSES] },
  };
  void run.start(input);
}

controls.form.addEventListener('submit', (event) => event.preventDefault());
controls.preset.addEventListener('change', () => {
  const preset = controls.preset.value as PresetId;
  // Custom starts from the period on screen.
  navigate(preset === 'custom' ? { preset, from: controls.from.value || null, to: controls.to.value || null } : { preset });
});
for (const input of [controls.from, controls.to]) input.addEventListener('change', () => navigate({ preset: 'custom', from: controls.from.value || null, to: controls.to.value || null }));
controls.currency.addEventListener('change', () => navigate({ currency: controls.currency.value === PER_CURRENCY ? null : (controls.currency.value as ViewState['currency']) }));
controls.maxStaleness.addEventListener('change', () => {
  const seconds = Number(controls.maxStaleness.value);
  if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_STALENESS) {
    controls.problem.textContent = `Max staleness is a whole number of seconds from 0 to ${MAX_STALENESS}.`;
    return;
  }
  navigate({ maxStaleness: seconds });
});
controls.refresh.addEventListener('click', () => {
  latestMonth = null;
  void reloadAll();
});
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-export]')) button.addEventListener('click', () => startExport(button.dataset.export!));
window.addEventListener('popstate', () => {
  state = parseViewState(location.search);
  void reloadAll();
});

history.replaceState(null, '', toSearch(state));
void reloadAll();
