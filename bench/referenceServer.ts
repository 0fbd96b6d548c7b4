import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type Koa from 'koa';

/** The paths whose answers the bench records (bench/fixtures.ts) and the references serve. */
export const RECORDED_PATHS = ['/v1/health', '/v1/api_keys'] as const;

/**
 * The bodies the real API answered, by path, as the bench recorded them (BARE_RESPONSES); any
 * other path gets the /v1/health body. The reference servers answer with these.
 */
export function recordedResponses(): (path: string) => unknown {
  const responses = JSON.parse(readFileSync(process.env.BARE_RESPONSES!, 'utf8')) as Record<string, unknown>;
  const fallback = responses['/v1/health'];
  return (path) => responses[path] ?? fallback;
}

/** Serves a reference app on HOST:PORT like app/server.ts (same keep-alive); SIGTERM closes it. */
export function serveReference(app: Koa, close: () => Promise<unknown> = async () => undefined): void {
  const server = createServer(app.callback());
  server.keepAliveTimeout = 65_000; // as app/server.ts
  server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
  process.on('SIGTERM', () => {
    server.closeAllConnections();
    server.close(() => void close().finally(() => process.exit(0)));
  });
}
