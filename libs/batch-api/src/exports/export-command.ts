import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { SingleBar, Presets } from 'cli-progress';
import { EXPORT_FORMATS, type ExportFormat, type ExportOperation, type ExportRequest, type ProblemDocument } from '@tributary/contracts';
import { serviceCredentialOf, serviceCredentialSettingsFromEnv, withServiceCredential, type ServiceCredential } from '@tributary/core';

export const EXPORT_USAGE = `npm run export -- --dataset <name> --format ${EXPORT_FORMATS.join('|')} [--from <instant>] [--to <instant>]
       [--status A,B] [--country A,B] [--category A,B] [--columns a,b] [--gzip] [--partition-by month]
       [--out <dir> | --s3 [prefix]] [--url http://localhost:4004]`;

export class UsageError extends Error {}

interface ExportCommand {
  url: string;
  request: ExportRequest;
  /** Where the files are copied to; none with --s3 (they stay in the bucket). */
  out: string | null;
  /** From SERVICE_TOKEN_SECRET: the reporting app in production refuses calls without it. */
  credential: ServiceCredential | null;
}

const list = (value: string | undefined) => (value === undefined ? undefined : value.split(',').map((item) => item.trim()).filter(Boolean));
/** A bare date is the start of that day, UTC. */
const instant = (value: string | undefined) => (value === undefined ? undefined : /^\d{4}-\d{2}-\d{2}$/.test(value) ? `${value}T00:00:00Z` : value);

export function exportCommandFromArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env): ExportCommand {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        dataset: { type: 'string' },
        format: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        status: { type: 'string' },
        country: { type: 'string' },
        category: { type: 'string' },
        columns: { type: 'string' },
        gzip: { type: 'boolean' },
        'partition-by': { type: 'string' },
        out: { type: 'string' },
        s3: { type: 'string' },
        url: { type: 'string' },
      },
    }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (!values.dataset) throw new UsageError('--dataset is required');
  if (!values.format || !(EXPORT_FORMATS as readonly string[]).includes(values.format)) throw new UsageError(`--format must be one of ${EXPORT_FORMATS.join(', ')}`);
  if (values.s3 !== undefined && values.out) throw new UsageError('--out and --s3 go to different places: give one');
  const filters = { from: instant(values.from), to: instant(values.to), status: list(values.status), country: list(values.country), category: list(values.category) };
  const request: ExportRequest = {
    dataset: values.dataset,
    format: values.format as ExportFormat,
    ...(Object.values(filters).some((value) => value !== undefined) ? { filters: JSON.parse(JSON.stringify(filters)) } : {}),
    ...(values.columns ? { columns: list(values.columns) } : {}),
    ...(values.gzip ? { gzip: true } : {}),
    ...(values['partition-by'] ? { partitionBy: values['partition-by'] as ExportRequest['partitionBy'] } : {}),
    ...(values.s3 !== undefined ? { destination: { kind: 's3' as const, ...(values.s3 ? { prefix: values.s3 } : {}) } } : {}),
  };
  return {
    url: (values.url ?? env.REPORTING_URL ?? 'http://localhost:4004').replace(/\/$/, ''),
    request,
    out: values.s3 !== undefined ? null : (values.out ?? 'exports'),
    credential: serviceCredentialOf(serviceCredentialSettingsFromEnv(env), 'export-command'),
  };
}

function describeProblem(problem: ProblemDocument): string {
  return problem.errors?.length ? problem.errors.map((error) => `${error.field}: ${error.message}`).join('\n') : problem.detail;
}

async function call<T>(credential: ServiceCredential | null, url: string, init: RequestInit = {}): Promise<T> {
  const response = await fetch(url, { ...init, headers: await withServiceCredential(credential, init.headers as Record<string, string> | undefined) });
  const body = await response.json();
  if (!response.ok) throw new Error(describeProblem(body as ProblemDocument));
  return body as T;
}

/**
 * `npm run export`: starts the export on the reporting app, shows its progress, and
 * copies its files into `--out` as a data mart (`<dataset>/[month=YYYY-MM/]part-NNNN.<ext>`
 * and `_manifest.json`, replacing what an earlier export left there), checking each
 * against its sha256. Ctrl-C cancels it.
 */
export async function runExportCommand(command: ExportCommand, options: { pollMs?: number; progress?: boolean; log?: (line: string) => void } = {}): Promise<ExportOperation> {
  const log = options.log ?? ((line: string) => console.log(line));
  let operation = await call<ExportOperation>(command.credential, `${command.url}/v1/exports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(command.request) });
  log(`${operation.name}: exporting ${command.request.dataset} as ${command.request.format}`);
  const cancel = () => {
    log(`\ncancelling ${operation.name}`);
    void call(command.credential, `${command.url}/v1/${operation.name}:cancel`, { method: 'POST' });
  };
  process.once('SIGINT', cancel);
  const bar = options.progress === false ? null : new SingleBar({ format: '{bar} {percentage}% | {value}/{total} rows | {parts} parts | ETA {eta_formatted}', noTTYOutput: true, notTTYSchedule: 2000, hideCursor: true }, Presets.shades_classic);
  bar?.start(1, 0, { parts: 0 });
  try {
    while (!operation.done) {
      await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 250));
      operation = await call<ExportOperation>(command.credential, `${command.url}/v1/${operation.name}`);
      bar?.setTotal(Math.max(1, operation.metadata.totalRows ?? 1));
      bar?.update(operation.metadata.rowsWritten, { parts: operation.metadata.parts });
    }
  } finally {
    bar?.stop();
    process.off('SIGINT', cancel);
  }
  if (operation.metadata.state !== 'SUCCEEDED') throw new Error(`${operation.name} ${operation.metadata.state}${operation.error ? `: ${describeProblem(operation.error)}` : ''}`);
  const response = operation.response!;
  if (!command.out) {
    log(`${response.rows} rows in ${response.files.length} files; manifest at ${response.manifest}`);
    return operation;
  }
  const folder = response.manifest.slice(0, response.manifest.lastIndexOf('/'));
  // The mart of a dataset is what this export wrote: an earlier one's files (other months) go.
  const root = join(command.out, response.dataset);
  await rm(root, { recursive: true, force: true });
  for (const file of response.files) await download(command.credential, `${command.url}${file.location}`, join(root, relative(folder.replace(/^.*\/v1\/exports\/files\//, ''), file.path)), file.sha256);
  await download(command.credential, `${command.url}${response.manifest}`, join(root, '_manifest.json'));
  log(`${response.rows} rows in ${response.files.length} files under ${root}`);
  return operation;
}

/** Into a .partial file, renamed once whole and, when given, its checksum verified. */
async function download(credential: ServiceCredential | null, url: string, path: string, sha256?: string): Promise<void> {
  const response = await fetch(url, { headers: await withServiceCredential(credential) });
  if (!response.ok || !response.body) throw new Error(`${url} answered ${response.status}`);
  await mkdir(dirname(path), { recursive: true });
  const hash = createHash('sha256');
  const body = Readable.fromWeb(response.body as import('node:stream/web').ReadableStream);
  body.on('data', (chunk: Buffer) => hash.update(chunk));
  await pipeline(body, createWriteStream(`${path}.partial`));
  if (sha256 && hash.digest('hex') !== sha256) throw new Error(`${path}: the checksum differs from the manifest's; the download is incomplete`);
  await rename(`${path}.partial`, path);
}
