import { describe, expect, it } from 'vitest';
import { EXPORT_FILES_ROUTE } from '@tributary/contracts';
import { downloadLocationOf, exportFilePathOrThrow, reportingFilePath } from './export-files.util.js';

const ID = '0193a9e0-0000-7000-8000-000000000000';

describe('exportFilePathOrThrow', () => {
  it.each([
    [`sales/${ID}/part-0000.csv`, ['sales', ID, 'part-0000.csv']],
    [`sales/${ID}/month%3D2026-01/part-0000.ndjson.gz`, ['sales', ID, 'month=2026-01', 'part-0000.ndjson.gz']],
    [`order_lines/${ID}/_manifest.json`, ['order_lines', ID, '_manifest.json']],
  ])('takes %s, the path of a file an export writes', (raw, segments) => {
    expect(exportFilePathOrThrow(raw)).toEqual(segments);
  });

  it.each([
    ['..', '../../v1/freshness'],
    ['.. between segments', `sales/../${ID}/part-0000.csv`],
    ['an encoded ..', '%2e%2e/%2E%2E/v1/freshness'],
    ['an encoded slash', '..%2F..%2Fv1%2Ffreshness'],
    ['an encoded backslash', 'sales%5C..%5Cx'],
    ['a NUL', 'sales/part%00.csv'],
    ['an empty segment', 'sales//part-0000.csv'],
    ['a dot file', 'sales/.partial'],
    ['a malformed escape', 'sales/%E0%A4%A'],
    ['nothing at all', ''],
    ['too many segments', 'a/b/c/d/e/f/g/h/i'],
  ])('refuses %s with BAD_USER_INPUT', (_what, raw) => {
    expect(() => exportFilePathOrThrow(raw)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
  });
});

describe('reportingFilePath', () => {
  it("is the reporting app's route, each segment encoded", () => {
    expect(reportingFilePath(['sales', 'month=2026-01', 'part-0000.csv'])).toBe(`${EXPORT_FILES_ROUTE}/sales/month%3D2026-01/part-0000.csv`);
  });
});

describe('downloadLocationOf', () => {
  const location = `${EXPORT_FILES_ROUTE}/sales/${ID}/part-0000.csv`;

  it("makes the reporting app's location the gateway's link, relative without a public URL", () => {
    expect(downloadLocationOf(location, null)).toBe(`/exports/files/sales/${ID}/part-0000.csv`);
  });

  it('puts the public URL, path prefix included, in front', () => {
    expect(downloadLocationOf(location, 'https://example.com/tributary')).toBe(`https://example.com/tributary/exports/files/sales/${ID}/part-0000.csv`);
  });

  it('leaves an S3 location as it is', () => {
    expect(downloadLocationOf(`s3://bucket/exports/sales/${ID}/part-0000.csv`, 'https://example.com')).toBe(`s3://bucket/exports/sales/${ID}/part-0000.csv`);
  });
});
