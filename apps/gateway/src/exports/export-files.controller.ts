import { pipeline } from 'node:stream/promises';
import { Controller, Get, Inject, Logger, Req, Res } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ACCESS_LIST, mayUse, rolesOf } from '../auth/access-list.js';
import { AuditLog } from '../auth/audit-log.js';
import { ExportDownloadErrorCode, ExportDownloadException, httpStatusOf } from './export-download.exception.js';
import { ExportFiles } from './export-files.service.js';
import { EXPORT_DOWNLOADS_PATH, exportFilePathOrThrow } from './export-files.util.js';

/** Downloading a file is reading the export it belongs to: the roles of `Query.export`, from the one access list. */
const DOWNLOAD_ACCESS = ACCESS_LIST['Query.export'];
if (!DOWNLOAD_ACCESS) throw new Error('export downloads take the roles of Query.export, which ACCESS_LIST no longer names: say which roles may download');
const AUDIT_FIELD = `GET ${EXPORT_DOWNLOADS_PATH}`;

/**
 * `GET /exports/files/<path>` (and HEAD): a file of a local export, at the location
 * `export(id)` gives. Authenticated before it gets here, like /graphql (the middleware
 * of create-gateway-app.ts), and counted against the client's rate. Errors are JSON in
 * the shape the 401 and 429 of those middlewares give on this same path:
 * `{"errors":[{"message":…,"extensions":{"code":…}}]}`.
 */
@Controller(EXPORT_DOWNLOADS_PATH.slice(1))
export class ExportFilesController {
  private readonly logger = new Logger(ExportFilesController.name);

  constructor(
    private readonly files: ExportFiles,
    @Inject(AuditLog) private readonly audit: AuditLog,
  ) {}

  @Get('*path')
  async download(@Req() request: Request, @Res() response: Response): Promise<void> {
    // The path as sent, not as the router decoded it: the check decodes each segment once, itself.
    const rawPath = request.originalUrl.split('?')[0]!.slice(EXPORT_DOWNLOADS_PATH.length + 1);
    const clientGone = new AbortController();
    response.once('close', () => {
      if (!response.writableFinished) clientGone.abort();
    });
    const principal = request.principal;
    try {
      if (!principal) throw new ExportDownloadException(ExportDownloadErrorCode.unauthenticated, 'a credential is required: send "Authorization: Bearer <API key or token>"');
      if (!mayUse(principal.roles, DOWNLOAD_ACCESS)) {
        throw new ExportDownloadException(ExportDownloadErrorCode.forbidden, `downloading an export's files needs the role ${rolesOf(DOWNLOAD_ACCESS).join(' or ')} (as Query.export); this credential has ${principal.roles.join(', ') || 'none'}`, {
          requiredRoles: rolesOf(DOWNLOAD_ACCESS),
        });
      }
      const segments = exportFilePathOrThrow(rawPath);
      const file = await this.files.open(segments, request.method === 'HEAD' ? 'HEAD' : 'GET', request.headers, clientGone.signal);
      this.audit.record({ principal, field: AUDIT_FIELD, args: { path: rawPath }, outcome: 'ok' });
      response.status(file.status);
      for (const [name, value] of Object.entries(file.headers)) response.setHeader(name, value);
      // Behind a credential: no shared cache may keep it; and a browser saves it rather than render it.
      response.setHeader('cache-control', 'private, no-store');
      response.setHeader('x-content-type-options', 'nosniff');
      if (!file.headers['content-disposition'] && (file.status === 200 || file.status === 206)) response.setHeader('content-disposition', `attachment; filename="${segments.at(-1)!}"`);
      await pipeline(file.body, response).catch((error: Error) => {
        // The client left (its download stops where it was), or the reporting app did mid-file (the client sees fewer bytes than content-length).
        if (!clientGone.signal.aborted) this.logger.warn(`a download of ${segments.join('/')} broke off: ${error.message}`);
      });
    } catch (error) {
      if (clientGone.signal.aborted) return;
      if (!(error instanceof ExportDownloadException)) throw error;
      if (principal && error.code !== ExportDownloadErrorCode.unauthenticated) this.audit.record({ principal, field: AUDIT_FIELD, args: { path: rawPath }, outcome: error.code });
      response.status(httpStatusOf(error.code)).type('application/json; charset=utf-8').send(JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code, ...error.extensions } }] }));
    }
  }
}
