import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type Koa from 'koa';
import type { Logger } from 'pino';

const MAX_HEADER_BYTES = 16 * 1024;

/** An HTTP server for the app: 16 KB header limit answered with the error envelope (431). */
export function createHttpServer(app: Koa, logger: Logger): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app.callback());
  trackResponses(server);
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return socket.destroy();
    if (err.code === 'HPE_HEADER_OVERFLOW') return socket.end(rawError(431, 'headers_too_large', 'The request headers are larger than 16 KB.'));
    if (err.code === 'ECONNRESET') return socket.destroy();
    logger.debug({ err }, 'bad request line or headers');
    socket.end(rawError(400, 'bad_request', 'The request could not be parsed as HTTP.'));
  });
  // Longer than common load balancers' idle timeouts, so they close first and never race us.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}

const inFlight = new WeakMap<Server, Set<ServerResponse>>();

function trackResponses(server: Server): void {
  const responses = new Set<ServerResponse>();
  inFlight.set(server, responses);
  server.on('request', (_req, res: ServerResponse) => {
    responses.add(res);
    res.once('close', () => responses.delete(res));
  });
}

// Node rejects these before Koa runs, so the envelope is written by hand here.
function rawError(status: number, code: string, message: string): string {
  const body = JSON.stringify({ error: message, code, requestId: null });
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** SIGTERM: stop accepting, let in-flight requests finish, then run `close` and exit 0. */
export function closeGracefully(server: Server, close: () => Promise<void>, logger: Logger, graceMs = 10_000): Promise<void> {
  // Every response not yet written, now or later, tells keep-alive clients not to send more on its
  // connection, so no request is sent into a socket we are about to close.
  for (const res of inFlight.get(server) ?? []) if (!res.headersSent) res.setHeader('Connection', 'close');
  server.on('request', (_req, res: ServerResponse) => res.setHeader('Connection', 'close'));
  return new Promise((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), graceMs).unref();
    server.close(() => {
      clearTimeout(force);
      close()
        .catch((err: unknown) => logger.error({ err }, 'error while closing'))
        .finally(resolve);
    });
    // Idle keep-alive connections would hold close() open; in-flight ones are left to finish.
    server.closeIdleConnections();
  });
}
