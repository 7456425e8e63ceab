import type { AddressInfo } from 'node:net';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { browserAvailability, CHROMIUM_ARGS, TEST_DATA } from '@tributary/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXAMPLE_TABS } from '../apps/gateway/src/playground/example-queries.js';
import { graphql, startSystem, type SystemUnderTest } from './support/system-under-test.js';

const browserHere = browserAvailability();
if (!browserHere.available) console.warn(browserHere.skipReason);
const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost']);
const TOP_CUSTOMERS = EXAMPLE_TABS[0]!.query;

interface TopCustomersResult {
  data: { reports: { topCustomers: Array<{ customer: { name: string; country: string } | null; revenueCents: number; currency: string; orderCount: number }> } };
  extensions: { downstream: Record<string, { calls: number; keys: number }> };
}

let system: SystemUnderTest;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let gatewayUrl: string;
const hostsRequested = new Set<string>();
const blocked: string[] = [];
const failedResponses: string[] = [];
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!browserHere.available) return;
  // The example query's period ends at `until`: the smaller data set still has orders in it.
  system = await startSystem({ ...TEST_DATA, customers: 300, products: 200, orders: 2000 });
  await system.gateway.app.listen(0, '127.0.0.1');
  gatewayUrl = `http://127.0.0.1:${(system.gateway.http.address() as AddressInfo).port}`;

  browser = await chromium.launch({ executablePath: browserHere.executablePath, args: CHROMIUM_ARGS });
  context = await browser.newContext();
  // The playground must work offline: anything not local is refused and remembered.
  await context.route('**/*', (route) => {
    const url = new URL(route.request().url());
    if (LOCAL_HOSTS.has(url.hostname)) return route.continue();
    blocked.push(url.href);
    return route.abort('internetdisconnected');
  });
  page = await context.newPage();
  page.on('request', (req) => {
    const url = new URL(req.url());
    if (url.protocol === 'http:' || url.protocol === 'https:') hostsRequested.add(url.hostname);
  });
  page.on('response', (res) => {
    if (res.status() >= 400) failedResponses.push(`${res.status()} ${res.request().method()} ${res.url()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
  page.on('pageerror', (error) => pageErrors.push(`pageerror: ${error.message}`));
});

afterAll(async () => {
  await browser?.close();
  await system?.close();
});

/** The text of the CodeMirror 5 editor inside `selector`, whole (not only its visible lines). */
function editorText(selector: string): Promise<string> {
  return page.locator(`${selector} .CodeMirror`).first().evaluate((element) => (element as unknown as { CodeMirror: { getValue(): string } }).CodeMirror.getValue());
}

describe.runIf(browserHere.available)('the GraphiQL playground in a browser (development)', () => {
  it('opens offline on the TopCustomers tab, runs it and shows the result with extensions.downstream', async () => {
    // GraphiQL introspects the schema on load, for its docs and completion.
    const introspected = page.waitForResponse((res) => res.request().method() === 'POST' && res.request().postDataJSON()?.operationName === 'IntrospectionQuery');
    const response = await page.goto(`${gatewayUrl}/graphql`);
    expect(response?.status()).toBe(200);
    expect(response?.headers()['content-type']).toMatch(/^text\/html/);

    await page.locator('.graphiql-container').waitFor();
    await page.locator('.graphiql-query-editor .CodeMirror').waitFor();
    const schema = (await (await introspected).json()) as { data?: { __schema?: { types: unknown[] } }; errors?: unknown };
    expect(schema.errors).toBeUndefined();
    expect(schema.data?.__schema?.types.length).toBeGreaterThan(0);
    const tabs = page.locator('.graphiql-tab');
    expect(await tabs.count()).toBe(EXAMPLE_TABS.length);
    await expect.poll(() => tabs.first().innerText()).toContain('TopCustomers');
    expect(await editorText('.graphiql-query-editor')).toBe(TOP_CUSTOMERS);

    await page.locator('button.graphiql-execute-button').click();
    await expect.poll(() => editorText('.graphiql-response'), { timeout: 15_000 }).toContain('"topCustomers"');
    const shown = JSON.parse(await editorText('.graphiql-response')) as TopCustomersResult & { errors?: unknown };
    expect(shown.errors).toBeUndefined();

    // The same query over plain HTTP gives the data the browser shows.
    const direct = await graphql(system.gateway, TOP_CUSTOMERS);
    expect(direct.body.errors).toBeUndefined();
    expect((direct.body as TopCustomersResult).data.reports.topCustomers).toHaveLength(10);
    expect(shown.data).toEqual(direct.body.data);

    const top = shown.data.reports.topCustomers[0]!.customer!.name;
    const [seeded] = await system.customers.db.$queryRawUnsafe<Array<{ n: number }>>('SELECT COUNT(*)::int AS n FROM customers WHERE name = $1', top);
    expect(seeded!.n).toBeGreaterThan(0);
    // The editor's whole text: CodeMirror renders only the lines in view.
    const resultText = await editorText('.graphiql-response');
    expect(resultText).toContain('"topCustomers"');
    expect(resultText).toContain(`"name": ${JSON.stringify(top)}`);
    expect(resultText).toContain('"downstream"');
    expect(shown.extensions.downstream).toEqual(direct.body.extensions.downstream);
    expect(shown.extensions.downstream.orders!.calls).toBeGreaterThan(0);
    expect(shown.extensions.downstream.customers!.calls).toBeGreaterThan(0);

    expect([...hostsRequested]).toEqual(['127.0.0.1']);
    expect(blocked).toEqual([]);
    expect(failedResponses).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
