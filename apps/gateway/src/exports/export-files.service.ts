import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { errors, Pool } from 'undici';
import { serviceCredentialOf, type ServiceCredential } from '@tributary/core';
import { GATEWAY_CONFIG } from '../gateway.constants.js';
import type { GatewayConfig } from '../gateway.config.js';
import { GatewayMetrics } from '../operations/gateway-metrics.js';
import { ExportDownloadErrorCode, ExportDownloadException } from './export-download.exception.js';
import { reportingFilePath } from './export-files.util.js';

/** What a client may ask of a file, passed on as it is: ranges, and conditions on a copy it holds. */
const REQUEST_HEADERS = ['range', 'if-range', 'if-none-match', 'if-modified-since', 'if-match', 'if-unmodified-since'] as const;
/** What the reporting app says of a file, passed back as it is. */
const RESPONSE_HEADERS = ['content-type', 'content-length', 'content-range', 'content-disposition', 'accept-ranges', 'etag', 'last-modified'] as const;
/** Answers passed to the client: the file, a part of it, or what a condition or range decided. */
const PASSED_STATUSES: ReadonlySet<number> = new Set([200, 206, 304, 412, 416]);
/** Downloads get connections of their own: a few long ones cannot take the pool that reports and exports' GraphQL calls share. */
const CONNECTIONS = 32;

/** A file of the reporting app, on its way: its status and headers, and its bytes as they come. */
export interface ReportingFile {
  status: number;
  headers: Partial<Record<(typeof RESPONSE_HEADERS)[number], string>>;
  body: Readable;
}

/**
 * The files of local exports, streamed from the reporting app with the gateway's
 * service credential: nothing is buffered, the client's reading paces the reporting
 * app's sending (undici's body timeout only runs while the body is not paused for the
 * client), and a client that goes away ends the call.
 */
@Injectable()
export class ExportFiles implements OnApplicationShutdown {
  private readonly logger = new Logger(ExportFiles.name);
  private readonly pool: Pool | null;
  private readonly credential: ServiceCredential | null;

  constructor(
    @Inject(GATEWAY_CONFIG) config: GatewayConfig,
    private readonly metrics: GatewayMetrics,
  ) {
    this.pool = config.reportingUrl ? new Pool(config.reportingUrl, { connections: CONNECTIONS, headersTimeout: config.downstreamTimeoutMs, bodyTimeout: config.downstreamTimeoutMs }) : null;
    this.credential = serviceCredentialOf(config.serviceCredential, 'gateway');
  }

  /** Opens the file at these (checked) segments. Throws ExportDownloadException when there is nothing to pass on. */
  async open(segments: readonly string[], method: 'GET' | 'HEAD', clientHeaders: IncomingHttpHeaders, signal: AbortSignal): Promise<ReportingFile> {
    if (!this.pool) throw new ExportDownloadException(ExportDownloadErrorCode.notFound, 'this gateway has no reporting store (REPORTING_URL=off), so no export files');
    const headers: Record<string, string> = {};
    for (const name of REQUEST_HEADERS) {
      const value = clientHeaders[name];
      if (typeof value === 'string') headers[name] = value;
    }
    if (this.credential) headers.authorization = await this.credential.authorization();
    const started = performance.now();
    let outcome = 'error';
    try {
      const response = await this.pool.request({ method, path: reportingFilePath(segments), headers, signal });
      outcome = String(response.statusCode);
      if (PASSED_STATUSES.has(response.statusCode)) {
        const passed: ReportingFile['headers'] = {};
        for (const name of RESPONSE_HEADERS) {
          const value = response.headers[name];
          if (typeof value === 'string') passed[name] = value;
        }
        return { status: response.statusCode, headers: passed, body: response.body };
      }
      // A problem document: small, and not the client's to see.
      const detail = (await response.body.text()).slice(0, 500);
      if (response.statusCode === 404) throw new ExportDownloadException(ExportDownloadErrorCode.notFound, `no export file at ${segments.join('/')}`);
      if (response.statusCode === 401) this.logger.error(`the reporting app refused the gateway's service credential: ${detail} (is SERVICE_TOKEN_SECRET the same on both?)`);
      else this.logger.warn(`the reporting app answered ${response.statusCode} to a download: ${detail}`);
      throw new ExportDownloadException(ExportDownloadErrorCode.failed, `reporting: answered ${response.statusCode}`, { service: 'reporting', status: response.statusCode });
    } catch (error) {
      if (error instanceof ExportDownloadException) throw error;
      if (signal.aborted) {
        outcome = 'abandoned';
        throw error;
      }
      if (error instanceof errors.HeadersTimeoutError) outcome = 'timeout';
      throw new ExportDownloadException(ExportDownloadErrorCode.unavailable, `reporting: ${error instanceof Error ? error.message : String(error)}`, { service: 'reporting' });
    } finally {
      this.metrics.downstreamCalls.inc({ service: 'reporting', outcome });
      this.metrics.downstreamDuration.observe({ service: 'reporting' }, (performance.now() - started) / 1000);
    }
  }

  async onApplicationShutdown(): Promise<void> {
    await this.pool?.close();
  }
}
