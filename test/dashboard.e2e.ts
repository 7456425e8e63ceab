import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import request from 'supertest';
import { build } from 'vite';
import { COUNTED_ORDER_STATUSES } from '@tributary/contracts';
import { projectPath } from '@tributary/core';
import { browserAvailability, CHROMIUM_ARGS, TEST_DATA } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMER_SUMMARY, REVENUE_BY_MONTH, SALES_BY_CATEGORY, TOP_CUSTOMERS, type CategorySalesRow, type CustomerRevenueRow, type CustomerSummaryRow, type MonthlySalesRow } from '../apps/dashboard/src/operations.js';
import { ApiKeyStore } from '../apps/gateway/src/auth/api-key-store.js';
import { TRUSTED_DOCUMENTS_FILE } from '../apps/gateway/src/limits/trusted-document-sources.js';
import { parseTrustedDocumentManifest } from '../apps/gateway/src/limits/trusted-documents.js';
import { graphql, startSystem, type GatewayUnderTest, type SystemUnderTest } from './support/system-under-test.js';

/**
 * The dashboard in Debian's Chromium, offline: built by Vite into a folder of this test
 * (DASHBOARD_DIR), served by the gateway over the real services and the reporting store.
 * What it shows is checked against the same reports asked over GraphQL, and its export
 * file against the orders database.
 */
const browserHere = browserAvailability();
if (!browserHere.available) console.warn(browserHere.skipReason);
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);
const ARTIFACTS = projectPath('test', 'artifacts');
const LOCALE = 'en-US';
const PANELS = ['#panel-revenue', '#panel-categories', '#panel-customers'];
/** The demo data ends at TEST_DATA.until (2026-11-01): the default period is the twelve months before. */
const DEFAULT_PERIOD = { from: '2025-11-01', to: '2026-11-01' };

let system: SystemUnderTest;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let gatewayUrl: string;
let dashboardDir: string;
let keyFolder: string;
const hostsRequested = new Set<string>();
const blocked: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!browserHere.available) return;
  // Built now, from the sources: the test never reads a stale dist/dashboard.
  dashboardDir = mkdtempSync(join(tmpdir(), 'tributary-dashboard-'));
  await build({ configFile: projectPath('apps/dashboard/vite.config.ts'), logLevel: 'warn', build: { outDir: dashboardDir, emptyOutDir: true } });
  // A row a page: an export of a year (some 3,700 sales lines) runs seconds, long enough to be seen running and cancelled.
  system = await startSystem(TEST_DATA, { dashboardDir }, { reporting: true, exports: { pageRows: 1 } });
  await system.reporting!.pumpAll();
  await system.gateway.app.listen(0, '127.0.0.1');
  gatewayUrl = `http://127.0.0.1:${(system.gateway.http.address() as AddressInfo).port}`;
  mkdirSync(ARTIFACTS, { recursive: true });

  browser = await chromium.launch({ executablePath: browserHere.executablePath, args: CHROMIUM_ARGS });
  context = await offlineContext();
  page = await context.newPage();
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'http:' || url.protocol === 'https:') hostsRequested.add(url.hostname);
  });
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of (401|403)/.test(message.text())) pageErrors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
});

afterAll(async () => {
  await browser?.close();
  await system?.close();
  if (dashboardDir) rmSync(dashboardDir, { recursive: true, force: true });
  if (keyFolder) rmSync(keyFolder, { recursive: true, force: true });
});

/** A browser context in which anything not local is refused, and remembered. */
async function offlineContext(): Promise<BrowserContext> {
  const created = await browser.newContext({ locale: LOCALE, timezoneId: 'UTC', viewport: { width: 1280, height: 800 }, acceptDownloads: true });
  await created.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort('internetdisconnected');
  });
  return created;
}

const money = (cents: number, currency: string) => new Intl.NumberFormat(LOCALE, { style: 'currency', currency }).format(cents / 100);
const integer = (value: number) => new Intl.NumberFormat(LOCALE).format(value);

/** The period's reports as the page asks for them. */
const variablesOf = (period: { from: string; to: string }, currency: string | null = 'EUR', maxStaleness = 300) => ({
  from: `${period.from}T00:00:00Z`,
  to: `${period.to}T00:00:00Z`,
  maxStaleness,
  currency,
});

async function report<T>(gateway: GatewayUnderTest, document: string, field: string, variables: Record<string, unknown>): Promise<T[]> {
  const response = await graphql(gateway, document, variables);
  expect(response.body.errors).toBeUndefined();
  return response.body.data.reports[field] as T[];
}

/** The page shows this period and every period panel has finished loading. */
async function waitForPeriod(target: Page, period: { from: string; to: string }): Promise<void> {
  await target.locator(`main[data-from="${period.from}"][data-to="${period.to}"]`).waitFor();
  for (const panel of PANELS) await target.locator(`${panel}:is([data-state="ready"], [data-state="empty"], [data-state="error"])`).waitFor({ timeout: 30_000 });
}

/** What the tests read of an element in the page (the project compiles without the DOM's types). */
// (Casts only in the functions the page runs: they are sent as text, without this module's scope.)
type PageElement = { dataset: Record<string, string>; innerText: string; children: ArrayLike<PageElement> };

/** Each row's data-* attributes, as strings. */
function rowsOf(target: Page, selector: string): Promise<Array<Record<string, string>>> {
  return target.locator(selector).evaluateAll((rows) => rows.map((row) => ({ ...(row as unknown as PageElement).dataset })));
}

async function expectPanelsToShow(target: Page, gateway: GatewayUnderTest, period: { from: string; to: string }, currency: string | null = 'EUR'): Promise<void> {
  const variables = variablesOf(period, currency);
  const [months, categories, customers] = await Promise.all([
    report<MonthlySalesRow>(gateway, REVENUE_BY_MONTH, 'salesByMonth', variables),
    report<CategorySalesRow>(gateway, SALES_BY_CATEGORY, 'salesByCategory', variables),
    report<CustomerRevenueRow>(gateway, TOP_CUSTOMERS, 'topCustomers', { ...variables, limit: 10 }),
  ]);
  expect(months.length).toBeGreaterThan(0);
  expect(await rowsOf(target, '#panel-revenue table[data-report="salesByMonth"] tbody tr')).toEqual(
    months.map((row) => ({ month: row.month, currency: row.currency, revenueCents: String(row.revenueCents), orderCount: String(row.orderCount), customerCount: String(row.customerCount) })),
  );
  expect(await rowsOf(target, '#panel-categories table[data-report="salesByCategory"] tbody tr')).toEqual(
    categories.map((row) => ({ category: row.category, currency: row.currency, revenueCents: String(row.revenueCents), units: String(row.units) })),
  );
  expect(await rowsOf(target, '#panel-customers table[data-report="topCustomers"] tbody tr')).toEqual(
    customers.map((row) => ({ customerId: row.customer!.id, currency: row.currency, revenueCents: String(row.revenueCents), orderCount: String(row.orderCount) })),
  );
  // What people read: the cells, formatted for the locale with their currency.
  const cells = await target.locator('#panel-customers tbody tr').evaluateAll((rows) => rows.map((row) => Array.from((row as unknown as PageElement).children, (cell) => cell.innerText.trim())));
  // Without `currency` the ranking is within each currency.
  const rank = (index: number) => (currency ? index + 1 : customers.slice(0, index + 1).filter((other) => other.currency === customers[index]!.currency).length);
  expect(cells).toEqual(customers.map((row, index) => [String(rank(index)), row.customer!.name, row.customer!.country, money(row.revenueCents, row.currency), integer(row.orderCount)]));
  const monthCells = await target.locator('#panel-revenue tbody tr td:nth-child(2)').allTextContents();
  expect(monthCells).toEqual(months.map((row) => money(row.revenueCents, row.currency)));
}

/** Sales lines of the orders the reports count, placed in the period: from the orders database itself. */
async function salesLinesIn(period: { from: string; to: string }): Promise<number> {
  const [row] = await system.orders.db.$queryRawUnsafe<Array<{ n: number }>>(
    `SELECT count(*)::int AS n FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.placed_at >= $1::timestamptz AND o.placed_at < $2::timestamptz AND o.status::text = ANY($3::text[])`,
    `${period.from}T00:00:00Z`,
    `${period.to}T00:00:00Z`,
    [...COUNTED_ORDER_STATUSES],
  );
  return row!.n;
}

async function noHorizontalOverflow(target: Page): Promise<{ scrollWidth: number; clientWidth: number }> {
  return target.evaluate(() => {
    const root = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth };
  });
}

describe.runIf(browserHere.available)('the dashboard in a browser', () => {
  it('opens offline on the twelve months before the latest order, and every panel shows what the reports say', async () => {
    const response = await page.goto(`${gatewayUrl}/dashboard`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-security-policy']).toContain("default-src 'self'");
    await waitForPeriod(page, DEFAULT_PERIOD);
    expect(new URL(page.url()).search).toBe('?period=latest-year&currency=EUR&maxStaleness=300');
    await expectPanelsToShow(page, system.gateway, DEFAULT_PERIOD);
    for (const panel of PANELS) {
      expect(await page.locator(panel).getAttribute('data-state')).toBe('ready');
      // The store is fresh (pumped just before): it answered, and the panel says how far behind it is.
      expect(await page.locator(`${panel} .freshness`).getAttribute('data-source')).toBe('REPORTING');
      expect(await page.locator(`${panel} .freshness`).innerText()).toMatch(/^Reporting store, [\d.]+ (s|min) behind the services, at /);
    }
    expect(await page.locator('#panel-customer').getAttribute('data-state')).toBe('idle');
    expect(await page.locator('#period-summary').innerText()).toBe('Nov 1, 2025 – Oct 31, 2026 (UTC)');
    // Charts are drawn, by ECharts, as SVG.
    for (const panel of ['#panel-revenue', '#panel-categories']) expect(await page.locator(`${panel} .chart svg rect, ${panel} .chart svg path`).count()).toBeGreaterThan(10);

    expect([...hostsRequested]).toEqual(['127.0.0.1']);
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('follows the period picker and the currency in every panel, and opens a customer’s summary', async () => {
    const before = await rowsOf(page, '#panel-revenue tbody tr');
    const custom = { from: '2026-01-01', to: '2026-07-01' };
    await page.fill('#from', custom.from);
    await page.fill('#to', custom.to);
    await waitForPeriod(page, custom);
    expect(new URL(page.url()).searchParams.get('period')).toBe('custom');
    expect(Object.fromEntries(new URL(page.url()).searchParams)).toMatchObject({ from: custom.from, to: custom.to });
    expect(await rowsOf(page, '#panel-revenue tbody tr')).not.toEqual(before);
    await expectPanelsToShow(page, system.gateway, custom);

    // Per currency: each row in its orders' own currency, as the reports give it without `currency`.
    await page.selectOption('#currency', 'per-currency');
    await page.locator('#panel-revenue tbody tr[data-currency="GBP"]').first().waitFor();
    await waitForPeriod(page, custom);
    await expectPanelsToShow(page, system.gateway, custom, null);
    await page.selectOption('#currency', 'EUR');
    await page.locator('#panel-revenue tbody tr[data-currency="GBP"]').first().waitFor({ state: 'detached' });
    await waitForPeriod(page, custom);

    // A preset relative to today: this year, today included.
    await page.selectOption('#preset', 'this-year');
    const today = new Date();
    const tomorrow = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate() + 1)).toISOString().slice(0, 10);
    await waitForPeriod(page, { from: `${today.getUTCFullYear()}-01-01`, to: tomorrow });
    // An empty period says so in every panel.
    await page.fill('#from', '2020-01-01');
    await page.fill('#to', '2020-02-01');
    await waitForPeriod(page, { from: '2020-01-01', to: '2020-02-01' });
    for (const panel of PANELS) {
      expect(await page.locator(panel).getAttribute('data-state')).toBe('empty');
      expect(await page.locator(`${panel} .panel-status`).innerText()).toBe('No orders in this period.');
    }

    // Back to the custom period; its best customer's summary, with the keyboard.
    await page.goto(`${gatewayUrl}/dashboard/?period=custom&from=${custom.from}&to=${custom.to}&currency=EUR&maxStaleness=300`);
    await waitForPeriod(page, custom);
    const first = page.locator('#panel-customers tbody button').first();
    const customerId = (await first.getAttribute('data-customer-id'))!;
    await first.focus();
    await page.keyboard.press('Enter');
    await page.locator(`#panel-customer[data-customer-id="${customerId}"][data-state="ready"]`).waitFor();
    expect(new URL(page.url()).searchParams.get('customer')).toBe(customerId);
    expect(await page.locator('#panel-customer .freshness').getAttribute('data-source')).toBe('LIVE');

    const summary = await graphql(system.gateway, CUSTOMER_SUMMARY, { id: customerId, ...variablesOf(custom), orders: 100 });
    expect(summary.body.errors).toBeUndefined();
    const expected = summary.body.data.reports.customerSummary[0] as CustomerSummaryRow;
    expect(await page.locator('#panel-customer [data-field="name"]').innerText()).toBe(expected.customer.name);
    const facts = page.locator('#panel-customer dl.facts');
    expect(await facts.evaluate((dl) => ({ ...(dl as unknown as PageElement).dataset }))).toEqual({
      revenueCents: String(expected.revenueCents),
      orderCount: String(expected.orderCount),
      currency: 'EUR',
      firstOrderAt: expected.firstOrderAt,
      lastOrderAt: expected.lastOrderAt,
    });
    expect(await page.locator('#panel-customer [data-field="revenue"]').innerText()).toBe(money(expected.revenueCents, 'EUR'));
    expect(await page.locator('#panel-customer [data-field="orders"]').innerText()).toBe(integer(expected.orderCount));
    // Their orders of the period, the newest first.
    const orders = expected.customer.orders!.edges.map((edge) => edge.node);
    expect(orders.length).toBeGreaterThan(0);
    expect(await rowsOf(page, '#panel-customer tbody tr')).toEqual(
      orders
        .slice(-10)
        .reverse()
        .map((order) => ({ orderId: order.id, totalCents: String(order.totalCents) })),
    );
    // Every order of theirs in the top customers' period is one the summary counts.
    const topRow = (await rowsOf(page, '#panel-customers tbody tr')).find((row) => row.customerId === customerId)!;
    expect(orders.length).toBeGreaterThanOrEqual(Number(topRow.orderCount));

    // A shared link opens the same view.
    const shared = await context.newPage();
    await shared.goto(page.url());
    await waitForPeriod(shared, custom);
    await shared.locator(`#panel-customer[data-customer-id="${customerId}"][data-state="ready"]`).waitFor();
    expect(await shared.locator('#panel-customer [data-field="name"]').innerText()).toBe(expected.customer.name);
    await shared.close();
  });

  it('exports the period from the page: progress, a file with the period’s sales lines, and cancel', async () => {
    const month = { from: '2026-03-01', to: '2026-04-01' };
    await page.goto(`${gatewayUrl}/dashboard/?period=custom&from=${month.from}&to=${month.to}&currency=EUR&maxStaleness=300`);
    await waitForPeriod(page, month);
    await page.selectOption('#export-format', 'CSV');
    await page.click('button[data-export="period"]');
    const status = page.locator('#period-export-status');
    await page.locator('#period-export-status[data-export-state="SUCCEEDED"]').waitFor({ timeout: 60_000 });
    const links = status.locator('a.download');
    expect(await links.count()).toBe(1);
    const href = (await links.first().getAttribute('href'))!;
    expect(href).toMatch(/^\/exports\/files\/sales\/.+\.csv$/);
    const file = await request(system.gateway.http).get(href).buffer(true).expect(200);
    const rows = parseCsv(file.text, { columns: true }) as Array<Record<string, string>>;
    const expectedLines = await salesLinesIn(month);
    expect(expectedLines).toBeGreaterThan(0);
    expect(rows).toHaveLength(expectedLines);
    expect(Number(await links.first().getAttribute('data-rows'))).toBe(expectedLines);
    for (const row of rows) {
      expect(row.placed_at! >= `${month.from}T00:00:00` && row.placed_at! < `${month.to}T00:00:00`).toBe(true);
      expect(COUNTED_ORDER_STATUSES).toContain(row.status);
    }
    expect(await status.innerText()).toContain(`${integer(expectedLines)} rows in one file`);

    // A year of sales, a row a page, runs for a while: its progress shows, and a second
    // export waits in the queue behind it. Cancel both: the queued one at once, the running one after its page.
    await page.goto(`${gatewayUrl}/dashboard/`);
    await waitForPeriod(page, DEFAULT_PERIOD);
    await page.click('button[data-export="period"]');
    await page.locator('#period-export-status:is([data-export-state="QUEUED"], [data-export-state="RUNNING"])').waitFor();
    await page.click('#panel-revenue button[data-export="revenue"]');
    const queued = page.locator('#panel-revenue .export-status');
    await page.locator('#panel-revenue .export-status[data-export-state="QUEUED"]').waitFor();
    await queued.getByRole('button', { name: 'Cancel export' }).click();
    await page.locator('#panel-revenue .export-status[data-export-state="CANCELLED"]').waitFor();
    expect(await queued.innerText()).toContain('was cancelled; its files were removed');

    await page.locator('#period-export-status[data-export-state="RUNNING"] progress').waitFor();
    expect(await status.innerText()).toMatch(/running: [\d,]+ of [\d,]+ rows \(\d+ %\)/);
    await status.getByRole('button', { name: 'Cancel export' }).click();
    await page.locator('#period-export-status[data-export-state="CANCELLED"]').waitFor({ timeout: 30_000 });
    expect(pageErrors).toEqual([]);
  });

  it('with the catalog stopped and the store too stale to use, the category panel shows its error and the others answer live', async () => {
    await page.goto(`${gatewayUrl}/dashboard/`);
    await waitForPeriod(page, DEFAULT_PERIOD);
    await system.catalog.stop();
    try {
      // maxStaleness 0: the store always lags, so every report goes live, where categories need the catalog.
      await page.fill('#max-staleness', '0');
      await page.press('#max-staleness', 'Tab');
      await page.waitForURL(/maxStaleness=0/);
      await waitForPeriod(page, DEFAULT_PERIOD);
      expect(await page.locator('#panel-categories').getAttribute('data-state')).toBe('error');
      const error = await page.locator('#panel-categories .panel-status [role="alert"]').innerText();
      expect(error).toContain('(DOWNSTREAM_UNAVAILABLE)');
      expect(error).toContain('catalog');
      expect(await page.locator('#panel-categories .chart svg').count()).toBe(0);
      for (const panel of ['#panel-revenue', '#panel-customers']) {
        expect(await page.locator(panel).getAttribute('data-state')).toBe('ready');
        const freshness = page.locator(`${panel} .freshness`);
        expect(await freshness.getAttribute('data-source')).toBe('LIVE');
        expect(await freshness.innerText()).toMatch(/Switched to live: the reporting store lags [\d.]+ s behind the services, more than maxStaleness 0 s\./);
      }
      // Live and the store agree to the cent.
      const live = await report<MonthlySalesRow>(system.gateway, REVENUE_BY_MONTH, 'salesByMonth', { ...variablesOf(DEFAULT_PERIOD), source: 'LIVE' });
      expect(await rowsOf(page, '#panel-revenue tbody tr')).toEqual(live.map((row) => ({ month: row.month, currency: row.currency, revenueCents: String(row.revenueCents), orderCount: String(row.orderCount), customerCount: String(row.customerCount) })));
    } finally {
      await system.catalog.resume();
    }
  });

  it('fits 1280×800 and a 390 px phone without horizontal scrolling, with screenshots', async () => {
    await page.goto(`${gatewayUrl}/dashboard/`);
    await waitForPeriod(page, DEFAULT_PERIOD);
    await page.locator('#panel-customers tbody button').first().click();
    await page.locator('#panel-customer[data-state="ready"]').waitFor();
    for (const viewport of [
      { width: 1280, height: 800 },
      { width: 390, height: 844 },
    ]) {
      await page.setViewportSize(viewport);
      await page.waitForTimeout(300); // the charts redraw for their new width
      const path = join(ARTIFACTS, `dashboard-${viewport.width}x${viewport.height}.png`);
      await page.screenshot({ path, fullPage: true });
      expect(readFileSync(path).length).toBeGreaterThan(10_000);
      const { scrollWidth, clientWidth } = await noHorizontalOverflow(page);
      expect({ viewport: viewport.width, scrollWidth }).toEqual({ viewport: viewport.width, scrollWidth: clientWidth });
    }
    // The README's picture: the top of the page at 1280×800 (UPDATE_README_SCREENSHOT=1 npx vitest run test/dashboard.e2e.ts).
    if (process.env.UPDATE_README_SCREENSHOT === '1') {
      await page.setViewportSize({ width: 1280, height: 800 });
      await page.waitForTimeout(300);
      await page.evaluate(() => (globalThis as unknown as { scrollTo(x: number, y: number): void }).scrollTo(0, 0));
      await page.screenshot({ path: projectPath('docs', 'dashboard.png') });
    }
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('with authentication required and trusted documents only: asks for a key, says so on a bad one, shows a reporter the reports and FORBIDDEN on export', async () => {
    keyFolder = mkdtempSync(join(tmpdir(), 'tributary-dashboard-keys-'));
    const keys = new ApiKeyStore(join(keyFolder, 'api-keys.json'));
    const reporterKey = keys.create('dashboard reporter', 'reporter').key;
    const exporterKey = keys.create('dashboard exporter', 'exporter').key;
    // As production runs it: keys required, and only the committed manifest's documents, which the page sends as they are.
    const trustedDocuments = parseTrustedDocumentManifest(JSON.parse(readFileSync(projectPath(TRUSTED_DOCUMENTS_FILE), 'utf8')), TRUSTED_DOCUMENTS_FILE);
    const secured = await system.startGateway({ auth: { mode: 'required', apiKeysFile: join(keyFolder, 'api-keys.json'), jwt: null }, trustedDocuments });
    await secured.app.listen(0, '127.0.0.1');
    const securedUrl = `http://127.0.0.1:${(secured.http.address() as AddressInfo).port}`;
    const guarded = await offlineContext();
    try {
      const tab = await guarded.newPage();
      // The page itself is public: it holds no data.
      expect((await tab.goto(`${securedUrl}/dashboard/`))?.status()).toBe(200);
      await tab.locator('#auth:not([hidden])').waitFor();
      expect(await tab.locator('#auth-message').innerText()).toMatch(/^This gateway requires an API key \(401: a credential is required/);
      await tab.locator('#panel-revenue[data-state="error"]').waitFor();
      expect(await tab.locator('#panel-revenue .panel-status').innerText()).toContain('(UNAUTHENTICATED)');

      await tab.fill('#api-key', 'trb_not-a-key');
      await tab.click('#auth-form button[type="submit"]');
      await tab.locator('#auth:not([hidden]) #auth-message').filter({ hasText: 'refused this API key (401)' }).waitFor();
      expect(await tab.locator('#auth-message').innerText()).toContain('the API key is not valid');

      await tab.fill('#api-key', reporterKey);
      await tab.click('#auth-form button[type="submit"]');
      await waitForPeriod(tab, DEFAULT_PERIOD);
      expect(await tab.locator('#auth').isHidden()).toBe(true);
      for (const panel of PANELS) expect(await tab.locator(panel).getAttribute('data-state')).toBe('ready');
      await expectPanelsToShow(tab, system.gateway, DEFAULT_PERIOD);
      await tab.click('button[data-export="period"]');
      await tab.locator('#period-export-status[data-export-state="ERROR"]').waitFor();
      expect(await tab.locator('#period-export-status').innerText()).toMatch(/Not allowed with this API key: Mutation\.startExport needs the role exporter or admin; this credential has reporter \(FORBIDDEN\)/);

      // An exporter's export, downloaded with the key (the link alone would be a 401).
      await tab.click('#auth-toggle');
      await tab.fill('#api-key', exporterKey);
      await tab.click('#auth-form button[type="submit"]');
      await tab.goto(`${securedUrl}/dashboard/?period=custom&from=2026-03-01&to=2026-04-01&currency=EUR&maxStaleness=300`);
      await waitForPeriod(tab, { from: '2026-03-01', to: '2026-04-01' });
      await tab.click('button[data-export="period"]');
      await tab.locator('#period-export-status[data-export-state="SUCCEEDED"]').waitFor({ timeout: 60_000 });
      const href = (await tab.locator('#period-export-status a.download').getAttribute('href'))!;
      await request(secured.http).get(href).expect(401);
      const [download] = await Promise.all([tab.waitForEvent('download'), tab.click('#period-export-status a.download')]);
      const saved = readFileSync((await download.path())!, 'utf8');
      expect(parseCsv(saved, { columns: true })).toHaveLength(await salesLinesIn({ from: '2026-03-01', to: '2026-04-01' }));
      await tab.close();
    } finally {
      await guarded.close();
    }
    expect(blocked).toEqual([]);
  });

  it('answers /dashboard with how to build it when there is no build', async () => {
    const unbuilt = await system.startGateway({ dashboardDir: join(dashboardDir, 'missing') });
    const response = await request(unbuilt.http).get('/dashboard/').expect(404);
    expect(response.headers['content-type']).toMatch(/^text\/plain/);
    expect(response.text).toContain('run `npm run build:dashboard`');
    await request(system.gateway.http).get('/dashboard?period=last-year').expect(302).expect('location', '/dashboard/?period=last-year');
    // index.html is asked again each time; its hashed assets are kept for good.
    const index = await request(system.gateway.http).get('/dashboard/').expect(200).expect('cache-control', 'no-cache');
    const script = /src="(\/dashboard\/assets\/[^"]+\.js)"/.exec(index.text)![1]!;
    await request(system.gateway.http).get(script).expect(200).expect('cache-control', 'public, max-age=31536000, immutable');
    await unbuilt.close();
  });
});
