import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';

export const DASHBOARD_PATH = '/dashboard';

/**
 * What the page may load and call: its own files and this gateway, nothing else (no
 * CDN, no fonts from elsewhere), and it may not be framed. ECharts sets inline styles.
 */
function contentSecurityPolicy(publicUrl: string | null): string {
  const connect = ["'self'", ...(publicUrl ? [new URL(publicUrl).origin] : [])].join(' ');
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${connect}`,
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/**
 * The dashboard at /dashboard: the static files `npm run build:dashboard` writes, served
 * in development and production alike and without a credential (they hold no data; the
 * page asks /graphql, which checks the caller, for everything it shows). Hashed assets
 * are cached for good, index.html never. Without a build, /dashboard says how to make one.
 */
export function serveDashboard(app: NestExpressApplication, dir: string, publicUrl: string | null): void {
  const policy = contentSecurityPolicy(publicUrl);
  const index = join(dir, 'index.html');
  const assets = join(dir, 'assets') + sep;
  app.use(DASHBOARD_PATH, (req: Request, res: Response, next: NextFunction) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    // The page's base is /dashboard/: its relative links resolve from there.
    if (req.originalUrl === DASHBOARD_PATH || req.originalUrl.startsWith(`${DASHBOARD_PATH}?`)) return res.redirect(302, `${DASHBOARD_PATH}/${req.originalUrl.slice(DASHBOARD_PATH.length)}`);
    if (!existsSync(index)) {
      res.status(404).type('text/plain; charset=utf-8').send(`The dashboard is not built: run \`npm run build:dashboard\` (it writes ${dir}), then reload this page.\n`);
      return;
    }
    res.setHeader('content-security-policy', policy);
    res.setHeader('x-content-type-options', 'nosniff');
    res.setHeader('referrer-policy', 'no-referrer');
    next();
  });
  app.useStaticAssets(dir, {
    prefix: DASHBOARD_PATH,
    index: 'index.html',
    redirect: false,
    fallthrough: true,
    setHeaders: (res, path) => res.setHeader('cache-control', path.startsWith(assets) ? 'public, max-age=31536000, immutable' : 'no-cache'),
  });
}
