import { existsSync, type Stats } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { Middleware } from 'koa';
import { ApiError } from '../errors';

const PREFIX = '/dashboard';

// Strict: scripts only from this origin, no framing of the dashboard, no plugins, no <base>, and
// DOM sinks such as innerHTML refused outright except through one Trusted Types policy,
// "sendook-mail", which the mail reader (dashboard/src/mail/mailHtml.ts) uses to parse a
// message's HTML into an inert document and to hand the cleaned copy to a sandboxed frame.
// That frame's srcdoc document inherits this policy on top of its own stricter one, so two
// directives are wider than the dashboard itself needs: style-src allows inline styles (the
// layout of HTML mail) and img-src allows remote images (shown when the reader clicks "Show
// images"; until then the frame's own policy refuses them). Scripts stay 'self' only.
export const DASHBOARD_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: http: https:",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
  "base-uri 'none'",
  "require-trusted-types-for 'script'",
  "trusted-types sendook-mail",
].join('; ');

const SECURITY_HEADERS = {
  'Content-Security-Policy': DASHBOARD_CSP,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=(), payment=()',
};

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
};

// Vite puts a content hash in every file name under assets/: a changed file is a new URL.
const IMMUTABLE = 'public, max-age=31536000, immutable';

/** Where `npm run build` puts the dashboard: dist/dashboard beside package.json. */
export function defaultDashboardRoot(from = __dirname): string {
  // Run from app/routes (tsx) or dist/app/routes (built): the first folder up with package.json.
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'package.json'))) return path.join(dir, 'dist', 'dashboard');
    if (path.dirname(dir) === dir) return path.resolve('dist', 'dashboard');
  }
}

/**
 * Sizes the dashboard checks a message against before uploading it: the attachments' decoded
 * total (ATTACHMENTS_MAX_BYTES) and the largest JSON body the /organizations routes read
 * (BODY_LIMIT), both in bytes. Not secret: the API's 413 answers name them too.
 */
export interface DashboardLimits {
  attachmentsMaxBytes: number;
  requestBodyMaxBytes: number;
}

const LIMITS_PATH = `${PREFIX}/limits.json`;

/** "512kb" or "20mb", as config/schema.ts accepts them, in bytes (1kb = 1024, as raw-body counts). */
export function sizeInBytes(limit: string): number {
  const match = /^(\d+)(kb|mb)$/i.exec(limit);
  if (!match) throw new Error(`not a size: ${limit}`);
  return Number(match[1]) * (match[2]!.toLowerCase() === 'mb' ? 1024 * 1024 : 1024);
}

/**
 * GET /dashboard/*: the built single-page dashboard, with its security headers (here only).
 * Paths without a file extension fall back to index.html, so the app's own routes survive a
 * reload; a missing asset is a JSON 404; an unbuilt dashboard is a 503 that says so.
 * /dashboard/limits.json is `limits`, when given.
 */
export function dashboard(options: { root?: string; limits?: DashboardLimits } = {}): Middleware {
  const root = path.resolve(options.root ?? defaultDashboardRoot());
  const limits = options.limits ? JSON.stringify(options.limits) : null;
  return async function dashboardMiddleware(ctx, next) {
    if (ctx.path !== PREFIX && !ctx.path.startsWith(`${PREFIX}/`)) return next();
    ctx.set(SECURITY_HEADERS);
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') {
      ctx.set('Allow', 'GET, HEAD');
      throw new ApiError('method_not_allowed');
    }
    if (limits && ctx.path === LIMITS_PATH) {
      ctx.set('Cache-Control', 'no-cache');
      ctx.type = 'application/json; charset=utf-8';
      ctx.body = limits;
      return;
    }
    const requested = ctx.path.slice(PREFIX.length);
    let file = await findFile(root, requested);
    if (!file) {
      if (path.extname(requested) !== '') throw new ApiError('not_found', 'No such file in the dashboard.');
      file = await findFile(root, '/index.html');
      if (!file) throw new ApiError('service_unavailable', 'The dashboard has not been built: run npm run build.');
    }
    const type = CONTENT_TYPES[path.extname(file.path).toLowerCase()] ?? 'application/octet-stream';
    ctx.set('Cache-Control', cacheControl(root, file.path));
    ctx.status = 200;
    ctx.etag = `W/"${file.stats.size.toString(16)}-${Math.floor(file.stats.mtimeMs).toString(16)}"`;
    ctx.lastModified = file.stats.mtime;
    if (ctx.fresh) {
      ctx.status = 304;
      return;
    }
    // The files are a few kilobytes: a buffer, not a stream, so a client that hangs up early is
    // not a logged stream error. HEAD: Koa sends the headers only.
    if (ctx.method === 'GET') ctx.body = await readFile(file.path);
    ctx.type = type;
    ctx.length = file.stats.size;
  };
}

/** The file a URL path names inside `root`, or null; never anything outside it. */
async function findFile(root: string, urlPath: string): Promise<{ path: string; stats: Stats } | null> {
  let relative: string;
  try {
    relative = decodeURIComponent(urlPath);
  } catch {
    return null;
  }
  if (relative.includes('\0')) return null;
  if (relative === '' || relative.endsWith('/')) relative += 'index.html';
  const full = path.join(root, relative);
  if (!full.startsWith(root + path.sep)) return null;
  try {
    const stats = await stat(full);
    return stats.isFile() ? { path: full, stats } : null;
  } catch {
    return null;
  }
}

function cacheControl(root: string, file: string): string {
  if (file.startsWith(path.join(root, 'assets') + path.sep)) return IMMUTABLE;
  // index.html names the current hashed assets: always revalidate it (cheap, thanks to the ETag).
  if (path.basename(file) === 'index.html') return 'no-cache';
  return 'public, max-age=3600';
}
