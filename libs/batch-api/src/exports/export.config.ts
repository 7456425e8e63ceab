import { ConfigError, integerFromEnv, type Env } from '@tributary/core';

export interface S3Settings {
  /** An S3-compatible endpoint (MinIO, s3rver, …); AWS itself when absent. */
  endpoint?: string;
  bucket: string;
  /** Every export's keys start with it. */
  prefix: string;
  region: string;
  /** Without them, the AWS SDK's own chain (AWS_ACCESS_KEY_ID, profiles, instance roles). */
  credentials?: { accessKeyId: string; secretAccessKey: string };
}

/** How an app runs its exports. */
export interface ExportConfig {
  /** Where local exports are written and served from. */
  directory: string;
  /** Exports this process runs at once; 0: it queues them only, for worker processes to run. */
  concurrency: number;
  /** Rows per part file: the unit a resumed export starts again from. */
  partRows: number;
  /** Rows per read, and per Parquet row group. */
  pageRows: number;
  /** A running export proves it is alive this often; the queue gives a silent one to another worker. */
  heartbeatSeconds: number;
  /** How often the queue looks for exports whose worker went silent. */
  superviseSeconds: number;
  /** Tries of an export that fails for a reason other than its request. */
  retryLimit: number;
  s3: S3Settings | null;
}

/**
 * `EXPORT_DIR` (`<data dir>/exports`), `EXPORT_CONCURRENCY` (1), `EXPORT_PART_ROWS`
 * (250000), `EXPORT_PAGE_ROWS` (20000), `EXPORT_HEARTBEAT_SECONDS` (10),
 * `EXPORT_SUPERVISE_SECONDS` (10), `EXPORT_RETRY_LIMIT` (3); object storage with
 * `EXPORT_S3_BUCKET` and optionally `EXPORT_S3_ENDPOINT`, `EXPORT_S3_PREFIX` (exports),
 * `EXPORT_S3_REGION` (us-east-1), `EXPORT_S3_ACCESS_KEY_ID`, `EXPORT_S3_SECRET_ACCESS_KEY`.
 */
export function exportConfigFromEnv(env: Env, dataDirectory: string): ExportConfig {
  const bucket = env.EXPORT_S3_BUCKET;
  const endpoint = env.EXPORT_S3_ENDPOINT;
  if (endpoint && !/^https?:\/\/[^/]+\/?$/.test(endpoint)) throw new ConfigError(`EXPORT_S3_ENDPOINT must be an http(s) base URL such as http://127.0.0.1:9000, got ${JSON.stringify(endpoint)}`);
  const accessKeyId = env.EXPORT_S3_ACCESS_KEY_ID;
  const secretAccessKey = env.EXPORT_S3_SECRET_ACCESS_KEY;
  if (Boolean(accessKeyId) !== Boolean(secretAccessKey)) throw new ConfigError('EXPORT_S3_ACCESS_KEY_ID and EXPORT_S3_SECRET_ACCESS_KEY go together');
  return {
    directory: env.EXPORT_DIR ?? `${dataDirectory}/exports`,
    concurrency: integerFromEnv(env, 'EXPORT_CONCURRENCY', 1, 0, 64),
    partRows: integerFromEnv(env, 'EXPORT_PART_ROWS', 250_000, 1, 100_000_000),
    pageRows: integerFromEnv(env, 'EXPORT_PAGE_ROWS', 20_000, 1, 1_000_000),
    // pg-boss takes no heartbeat under 10 s.
    heartbeatSeconds: integerFromEnv(env, 'EXPORT_HEARTBEAT_SECONDS', 10, 10, 3600),
    superviseSeconds: integerFromEnv(env, 'EXPORT_SUPERVISE_SECONDS', 10, 1, 3600),
    retryLimit: integerFromEnv(env, 'EXPORT_RETRY_LIMIT', 3, 0, 100),
    s3: bucket
      ? {
          ...(endpoint ? { endpoint: endpoint.replace(/\/$/, '') } : {}),
          bucket,
          prefix: (env.EXPORT_S3_PREFIX ?? 'exports').replace(/^\/+|\/+$/g, ''),
          region: env.EXPORT_S3_REGION ?? 'us-east-1',
          ...(accessKeyId && secretAccessKey ? { credentials: { accessKeyId, secretAccessKey } } : {}),
        }
      : null,
  };
}
