import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogService } from '../apps/catalog/src/catalog-app.module.js';
import { customersService } from '../apps/customers/src/customers-app.module.js';
import { ordersService } from '../apps/orders/src/orders-app.module.js';
import { auditContract, CONTRACT_AUDITS, runAuditCommand, type ContractAuditReport } from '@tributary/batch-api';
import { fingerprintOf, startService, TEST_DATA, TestDatabases, type ServiceUnderTest } from '@tributary/testing';
import { DEFECTS, DefectiveBatchService, type Defect } from './support/defective-batch-service.js';

const ALL = CONTRACT_AUDITS.map((audit) => audit.name);
const WRITING = CONTRACT_AUDITS.filter((audit) => audit.writes).map((audit) => audit.name);
const notOk = (report: ContractAuditReport) => report.results.filter((result) => result.result !== 'ok');
/** The audits that did not pass, each with its reason: what a failing expectation shows. */
const findings = (report: ContractAuditReport) => Object.fromEntries(notOk(report).map((result) => [result.name, `${result.result}: ${result.reason}`]));

describe('the services of this repository keep the batch contract (CI: every resource, no error, no warning)', () => {
  const databases = new TestDatabases();
  // More rows than the largest page, so that clamping and a second page are seen; few enough to seed fast.
  const data = { ...TEST_DATA, customers: 1050, products: 1050, orders: 1050 };
  const services = [
    { definition: customersService, resource: 'customers', table: 'customers' },
    { definition: ordersService, resource: 'orders', table: 'orders' },
    { definition: catalogService, resource: 'products', table: 'products' },
  ];
  const running = new Map<string, { service: ServiceUnderTest; url: string }>();
  /**
   * Exchange rates, a resource of the orders service: read only (npm run rates:load fills
   * them), and with ids of their own format, YYYY-MM-DD:CUR, which unknown ids must have
   * too: days long before the first rate.
   */
  const rates = {
    resource: 'rates',
    table: 'rates',
    of: 'orders',
    unknownIds: Array.from({ length: 1001 }, (_, i) => `${new Date(Date.UTC(1900, 0, 1 + i)).toISOString().slice(0, 10)}:USD`),
  };
  const readOnly = [...services.map(({ resource, table }) => ({ resource, table, of: resource, unknownIds: undefined })), rates];

  beforeAll(async () => {
    await Promise.all(
      services.map(async ({ definition, resource }) => {
        const service = await startService(definition, databases, { data });
        await service.app.listen(0, '127.0.0.1');
        running.set(resource, { service, url: `http://127.0.0.1:${(service.http.address() as AddressInfo).port}` });
      }),
    );
  });

  afterAll(async () => {
    for (const { service } of running.values()) await service.close();
    await databases.dropAll();
  });

  it.each(readOnly.map((audited) => [audited.resource, audited] as const))('%s: every read-only audit is ok, and the audit changed no row', async (resource, { table, of, unknownIds }) => {
    const { service, url } = running.get(of)!;
    const before = await fingerprintOf(service.db, [table]);
    const report = await auditContract({ url, resource, ...(unknownIds ? { unknownIds } : {}) });
    expect(findings(report)).toEqual({});
    expect(report.results.map((result) => result.name)).toEqual(ALL.filter((name) => !WRITING.includes(name)));
    expect(report.notRun.map((audit) => audit.name)).toEqual(WRITING);
    expect(await fingerprintOf(service.db, [table])).toEqual(before);
  });

  it.each(services.map(({ resource }) => [resource]))('%s: with --allow-writes, the incremental-read audits are ok too', async (resource) => {
    const report = await auditContract({ url: running.get(resource)!.url, resource, allowWrites: true });
    expect(findings(report)).toEqual({});
    expect(report.results.map((result) => result.name)).toEqual(ALL);
    expect(report.summary).toEqual({ ok: ALL.length, warn: 0, error: 0 });
  });
});

/**
 * What each defect of DefectiveBatchService makes the audit report: every audit that is
 * not ok, with its reason. Most defects break one rule; where one breaks several, the
 * others are what a client would also meet (a batch that fails as a whole fails every
 * batch with an unknown id in it).
 */
const CAUGHT: Record<Defect, Record<string, RegExp>> = {
  'results-sorted-by-id': { 'batch-get.order': /^entry 0 is for .* where .* was asked: the results follow another order than the ids$/ },
  'positional-results': {
    'batch-get.order': /^asked for 14 ids, got 12 entries$/,
    'batch-get.duplicates': /was asked 3 times and answered 1 times$/,
    'batch-get.not-found': /^the unknown id .* has no entry$/,
  },
  'duplicates-answered-once': { 'batch-get.duplicates': /was asked 3 times and answered 1 times$/ },
  'unknown-id-fails-batch': {
    'batch-get.not-found': /^a batch with 2 unknown ids failed as a whole: POST \/v1\/widgets:batchGet answered 404/,
    'batch-get.order': /answered 404/,
    'batch-get.duplicates': /answered 404/,
  },
  'entries-under-data': { 'batch-get.entry-shape': /has no "widget" object \(its members: data\)/ },
  'no-batch-limit': { 'batch-get.over-limit': /^1001 ids: POST \/v1\/widgets:batchGet answered 200 .*, not 400$/ },
  'batch-limit-500': { 'batch-get.limit': /^1000 ids were not answered: .* answered 400 .*"ids must hold 1 to 500 ids"/ },
  'malformed-batch-500': { 'batch-get.malformed': /^no ids: .* answered 500 \(text\/html: "Internal Server Error"\), not 400$/ },
  'list-as-text-plain': { 'list.shape': /answered 200 \(text\/plain.*: a page is application\/json$/ },
  'cursor-skips-ties': {
    'list.walk-once': /^the walk in pages of 97 skipped \d+ rows that the walk in pages of 1000 gave/,
    // The walk in pages of 1000 skips rows too, so the rows it counts are fewer than the list has.
    'list.updated-since-inclusive': /gave \d+ rows on its first page; the list has \d+ updated at or after then$/,
    'list.no-empty-last-page': /gives a nextPageToken to an empty page/,
  },
  'list-ordered-by-id': {
    'list.order': /^row \d+ of the walk in pages of 1000 .* comes after one updated at /,
    // In id order a changed row keeps its place, behind the cursor: a walk never sees the change.
    'incremental.write-during-walk': /read on the first page and changed during the walk .* does not come again later in it$/,
  },
  'default-page-size-50': { 'list.page-size-default': /^no pageSize gave 50 rows, not 100$/ },
  'page-size-not-clamped': { 'list.page-size-clamp': /^pageSize=1001 gave 1,001 rows, not 1000$/ },
  'large-page-size-refused': { 'list.page-size-clamp': /^pageSize=1001: .* answered 400 .*; a larger page size is lowered, not refused$/ },
  'negative-page-size-accepted': {
    'list.page-size-negative': /^pageSize=-1: .* answered 200 .*, not 400$/,
    'errors.invalid-fields': /the problem does not name pageSize \(it names updatedSince\)$/,
  },
  'forged-token-500': {
    'list.page-token-forged': /^a made-up token: .* answered 500 \(text\/html: "Internal Server Error"\), not 400$/,
    // A service that trusts its tokens checks their filters no more than their signature.
    'list.page-token-retargeted': /^a token of the unfiltered list, with updatedSince=.* answered 200 .*, not 400$/,
  },
  'token-not-bound-to-filters': { 'list.page-token-retargeted': /^a token of the unfiltered list, with updatedSince=.* answered 200 .*, not 400$/ },
  'updated-since-exclusive': {
    'list.updated-since-inclusive': /left out .*, updated exactly then: it is exclusive, not inclusive$/,
    'incremental.new-rows': /^a row just created .* is not in updatedSince=/,
    'incremental.write-during-walk': /, just created, is not in updatedSince=.* within 300 ms$/,
  },
  'invalid-updated-since-ignored': {
    'list.updated-since-invalid': /^updatedSince=yesterday: .* answered 200 .*, not 400$/,
    'errors.invalid-fields': /the problem does not name updatedSince \(it names pageSize\)$/,
  },
  'token-on-every-page': {
    'list.last-page': /^the walk in pages of 1000: page 3 had no rows but a nextPageToken$/,
    'list.no-empty-last-page': /^1,200 rows in pages of 600: page 2 is exactly full and gives a nextPageToken to an empty page 3$/,
  },
  'full-last-page-has-token': { 'list.no-empty-last-page': /^1,200 rows in pages of 600: page 2 is exactly full and gives a nextPageToken to an empty page 3$/ },
  'get-one-500-for-unknown': { 'get.one': /^an unknown id: .* answered 500 .*, not 404$/ },
  'first-invalid-field-only': { 'errors.invalid-fields': /the problem does not name updatedSince \(it names pageSize\)$/ },
  'problem-without-status': { 'errors.problem-shape': /the problem's status is undefined, the response's 400$/ },
  'html-404': {
    'errors.unknown-route': /^GET \/v1\/no-such-resource-\w+ answered 404 \(text\/html: .*\): an error must be application\/problem\+json$/,
    'errors.problem-shape': /answered 404 \(text\/html.*: not a problem document$/,
  },
  'no-body-limit': { 'errors.oversized-body': /^a body of 16 MiB was read whole: its 400 names ids\[0\], not the body or its size$/ },
  'no-openapi': {
    'openapi.document': /^no OpenAPI document at \/openapi.json, /,
    'operations.export': /^no OpenAPI document to look for the export method in$/,
    // Without a document the audit cannot make a body to create rows with (--create-body gives one).
    'incremental.new-rows': /describes no body for POST \/v1\/widgets: give one with --create-body <file>$/,
    'incremental.write-during-walk': /describes no body for POST \/v1\/widgets: give one with --create-body <file>$/,
  },
  'no-docs-page': { 'openapi.docs-page': /^GET \/docs answered 404 .*, not an HTML page$/ },
  'no-export': { 'operations.export': /^\/openapi.json documents no POST \/v1\/widgets:export$/ },
  'late-commit-stamps': {
    'incremental.new-rows': /^a row created after a read up to .* is not in updatedSince=.*: the reader would never see it$/,
    // Stamped before the walk's cursor, a row written during the walk is behind it for good.
    'incremental.write-during-walk': /, created during the walk, is not in the rest of the walk$/,
  },
  'walk-frozen-at-first-page': { 'incremental.write-during-walk': /, created during the walk, is not in the rest of the walk$/ },
};

describe('a service with defects: each is caught by the right audits, with the right reasons', () => {
  it('without defects, the service keeps the contract, and a read-only audit writes nothing', async () => {
    const service = await DefectiveBatchService.start();
    try {
      const readOnly = await auditContract({ url: service.url, resource: 'widgets' });
      expect(findings(readOnly)).toEqual({});
      expect(service.writes).toEqual([]);
      const writing = await auditContract({ url: service.url, resource: 'widgets', allowWrites: true });
      expect(findings(writing)).toEqual({});
      expect(service.writes.length).toBeGreaterThan(0);
    } finally {
      await service.close();
    }
  });

  it.each(DEFECTS)('%s', async (defect) => {
    const service = await DefectiveBatchService.start({ defects: [defect] });
    try {
      // A write the lists never show is waited for 0.3 s, not the 5 s a real service gets.
      const report = await auditContract({ url: service.url, resource: 'widgets', allowWrites: true, settleMs: 300 });
      const expected = CAUGHT[defect];
      expect(Object.keys(findings(report)).sort()).toEqual(Object.keys(expected).sort());
      for (const result of notOk(report)) {
        expect({ audit: result.name, reason: result.reason }).toEqual({ audit: result.name, reason: expect.stringMatching(expected[result.name]!) });
        expect({ audit: result.name, result: result.result }).toEqual({ audit: result.name, result: result.level === 'MUST' ? 'error' : 'warn' });
      }
    } finally {
      await service.close();
    }
  });

  it('every audit is shown able to fail', () => {
    const caught = new Set(Object.values(CAUGHT).flatMap((audits) => Object.keys(audits)));
    expect(ALL.filter((name) => !caught.has(name))).toEqual([]);
  });

  it('several defects at once (positional results, a page size not clamped, a 500 on a forged token) are each caught', async () => {
    const defects: Defect[] = ['positional-results', 'page-size-not-clamped', 'forged-token-500'];
    const service = await DefectiveBatchService.start({ defects });
    try {
      const report = await auditContract({ url: service.url, resource: 'widgets' });
      const expected = Object.assign({}, ...defects.map((defect) => CAUGHT[defect])) as Record<string, RegExp>;
      expect(Object.keys(findings(report)).sort()).toEqual(Object.keys(expected).sort());
      for (const result of notOk(report)) expect(result.reason).toMatch(expected[result.name]!);
      expect(report.summary.error).toBe(Object.keys(expected).length);
    } finally {
      await service.close();
    }
  });
});

describe('npm run audit:contract', () => {
  /** Runs the command as the script does, with its output captured; `terminal` makes stdout a colour TTY. */
  async function command(args: string[], terminal = false) {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = { write: (text: string) => out.push(text), ...(terminal ? { isTTY: true, columns: 100, hasColors: () => true } : {}) };
    const code = await runAuditCommand(args, { stdout, stderr: { write: (text: string) => err.push(text) } });
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  let clean: DefectiveBatchService;
  let broken: DefectiveBatchService;
  let warnOnly: DefectiveBatchService;
  beforeAll(async () => {
    clean = await DefectiveBatchService.start();
    broken = await DefectiveBatchService.start({ defects: ['forged-token-500'] });
    warnOnly = await DefectiveBatchService.start({ defects: ['no-docs-page'] });
  });
  afterAll(async () => {
    for (const service of [clean, broken, warnOnly]) await service?.close();
  });

  it('prints a table of every audit and exits 0 when all is ok', async () => {
    const { code, stdout } = await command([clean.url, '--resource', 'widgets']);
    expect(code).toBe(0);
    const lines = stdout.split('\n');
    expect(lines[0]).toBe(`Batch contract audit of widgets at ${clean.url} (read only)`);
    expect(lines[2]).toMatch(/^RESULT\s+LEVEL\s+AUDIT\s+REASON$/);
    for (const name of ALL.filter((audit) => !WRITING.includes(audit))) expect(stdout).toMatch(new RegExp(`^ok\\s+(MUST|SHOULD|MAY)\\s+${name.replace('.', '\\.')}\\s+\\S`, 'm'));
    expect(stdout).toMatch(/^27 audits in \d+\.\d s: 27 ok, 0 warnings, 0 errors$/m);
    expect(stdout).toContain('Not run, as they create rows (pass --allow-writes): incremental.new-rows (MUST), incremental.write-during-walk (MUST)');
    expect(stdout).not.toContain('\u001b[');
  });

  it('exits 1 on a MUST failure, and --json gives the report for machines', async () => {
    const { code, stdout } = await command([broken.url, '--resource', 'widgets', '--json', '--allow-writes']);
    expect(code).toBe(1);
    const report = JSON.parse(stdout) as ContractAuditReport;
    expect(report).toMatchObject({ url: broken.url, resource: 'widgets', resourceKey: 'widget', allowWrites: true, notRun: [] });
    expect(report.results.map((result) => result.name)).toEqual(ALL);
    expect(report.results.find((result) => result.name === 'list.page-token-forged')).toEqual({
      name: 'list.page-token-forged',
      level: 'MUST',
      rule: expect.stringContaining('a 400 problem naming pageToken'),
      result: 'error',
      reason: expect.stringMatching(CAUGHT['forged-token-500']['list.page-token-forged']!),
      durationMs: expect.any(Number),
    });
    expect(report.summary).toEqual({ ok: ALL.length - 2, warn: 0, error: 2 });
  });

  it('exits 0 on warnings alone, and 1 with --strict', async () => {
    const lenient = await command([warnOnly.url, '--resource', 'widgets']);
    expect(lenient.code).toBe(0);
    expect(lenient.stdout).toMatch(/^warn\s+SHOULD\s+openapi\.docs-page\s+GET \/docs answered 404/m);
    expect(lenient.stdout).toMatch(/: 26 ok, 1 warning, 0 errors$/m);
    expect((await command([warnOnly.url, '--resource', 'widgets', '--strict'])).code).toBe(1);
  });

  it('colours the results on a terminal and wraps reasons to its width', async () => {
    const { stdout } = await command([warnOnly.url, '--resource', 'widgets'], true);
    expect(stdout).toContain('\u001b[32mok    \u001b[0m');
    expect(stdout).toContain('\u001b[33mwarn  \u001b[0m');
    // eslint-disable-next-line no-control-regex
    const plain = stdout.replace(/\u001b\[[\d;]*m/g, '');
    expect(Math.max(...plain.split('\n').map((line) => line.length))).toBeLessThanOrEqual(100);
  });

  it('takes the ids to batchGet from a file with --ids-from', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'contract-audit-'));
    try {
      const file = join(folder, 'ids.txt');
      writeFileSync(file, '# two widgets that exist\nw-000007\nw-000008\n');
      const { code, stdout } = await command([clean.url, '--resource', 'widgets', '--ids-from', file, '--json']);
      expect(code).toBe(0);
      const report = JSON.parse(stdout) as ContractAuditReport;
      expect(report.results.find((result) => result.name === 'batch-get.order')!.reason).toMatch(/^4 ids in another order/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('takes the unknown ids from a file with --unknown-ids-from, for ids of a format of their own', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'contract-audit-'));
    try {
      // Ids that do exist, given as unknown ones: the audit asks for these, and says so.
      const file = join(folder, 'unknown-ids.json');
      writeFileSync(file, JSON.stringify(['w-000009', 'w-000010']));
      const { code, stdout } = await command([clean.url, '--resource', 'widgets', '--unknown-ids-from', file, '--json']);
      expect(code).toBe(1);
      const report = JSON.parse(stdout) as ContractAuditReport;
      expect(report.results.find((result) => result.name === 'batch-get.not-found')!.reason).toMatch(/^the entry of the unknown id w-000009 is \{"id":"w-000009","widget":/);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('refuses a wrong command line with its usage and exit code 2', async () => {
    for (const args of [[], ['--resource', 'widgets'], [clean.url], ['not-a-url', '--resource', 'widgets'], [clean.url, '--resource', 'widgets', '--no-such-flag']]) {
      const { code, stdout, stderr } = await command(args);
      expect({ args, code, stdout }).toEqual({ args, code: 2, stdout: '' });
      expect(stderr).toContain('usage: npm run audit:contract -- <base-url> --resource <plural>');
    }
  });
});
