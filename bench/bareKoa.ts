import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import Koa from 'koa';

/**
 * The reference the bench divides by: Koa on the same Node, answering each path with the JSON the
 * real API answered (recorded by the bench), with no authentication, cache, limiter or database.
 * Whatever the pipeline costs on top of this is what the ratio measures.
 */
const responses = JSON.parse(readFileSync(process.env.BARE_RESPONSES!, 'utf8')) as Record<string, unknown>;
const fallback = responses['/v1/health'];

const app = new Koa();
app.use(function bareResponse(ctx) {
  ctx.body = responses[ctx.path] ?? fallback;
});

const server = createServer(app.callback());
server.keepAliveTimeout = 65_000; // as app/server.ts
server.listen(Number(process.env.PORT), process.env.HOST ?? '127.0.0.1');
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
