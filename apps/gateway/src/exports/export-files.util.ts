import { EXPORT_FILES_ROUTE } from '@tributary/contracts';
import { ExportDownloadErrorCode, ExportDownloadException } from './export-download.exception.js';

/** Where the gateway serves the files of local exports: `GET /exports/files/<path>`, apart from /graphql. */
export const EXPORT_DOWNLOADS_PATH = '/exports/files';

/**
 * A segment of a path as exports write them (`sales`, an operation id, `month=2026-01`,
 * `part-0000.csv.gz`, `_manifest.json`). Never `.` or `..`, nor a dot file: a segment
 * starts with a letter, a digit or `_`.
 */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.=-]{0,254}$/;
/** `<dataset>/<operation>/[month=YYYY-MM/]<file>`, with room to spare. */
const MAX_SEGMENTS = 8;

/**
 * The segments of the file a download names, from the request's raw path after
 * `/exports/files/`, each percent-decoded once and checked against what exports write:
 * `..` (plain or `%2e%2e`), an encoded slash or backslash, NUL, an empty segment or a
 * query-string trick are refused here, before anything is sent to the reporting app.
 */
export function exportFilePathOrThrow(rawPath: string): string[] {
  const refuse = (why: string) => new ExportDownloadException(ExportDownloadErrorCode.badPath, `not an export file's path: ${why}`);
  const raw = rawPath.split('/');
  if (raw.length > MAX_SEGMENTS) throw refuse(`more than ${MAX_SEGMENTS} segments`);
  return raw.map((encoded) => {
    let segment: string;
    try {
      segment = decodeURIComponent(encoded);
    } catch {
      throw refuse('a malformed percent-encoding');
    }
    if (!SEGMENT.test(segment)) throw refuse(`${JSON.stringify(segment.slice(0, 80))} is not a segment exports write (letters, digits, _ . = -, not starting with a dot)`);
    return segment;
  });
}

/** The reporting app's path of a file, each segment encoded again. */
export function reportingFilePath(segments: readonly string[]): string {
  return `${EXPORT_FILES_ROUTE}/${segments.map(encodeURIComponent).join('/')}`;
}

/**
 * The gateway's download link for a location the reporting app gives
 * (`/v1/exports/files/<path>`): `/exports/files/<path>`, relative to the gateway unless
 * its public URL is configured. Any other location (`s3://…`) is left as it is.
 */
export function downloadLocationOf(location: string, publicUrl: string | null): string {
  const reporting = `${EXPORT_FILES_ROUTE}/`;
  if (!location.startsWith(reporting)) return location;
  return `${publicUrl ?? ''}${EXPORT_DOWNLOADS_PATH}/${location.slice(reporting.length)}`;
}
