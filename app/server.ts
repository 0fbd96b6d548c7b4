import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type Koa from 'koa';
import type { Logger } from 'pino';

const MAX_HEADER_BYTES = 16 * 1024;

/** An HTTP server for the app: 16 KB header limit answered with the error envelope (431). */
export function createHttpServer(app: Koa, logger: Logger): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app.callback());
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

// Node rejects these before Koa runs, so the envelope is written by hand here.
function rawError(status: number, code: string, message: string): string {
  const body = JSON.stringify({ error: message, code, requestId: null });
  const reason = status === 431 ? 'Request Header Fields Too Large' : 'Bad Request';
  return `HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

/** SIGTERM: stop accepting, let in-flight requests finish, then run `close` and exit 0. */
export function closeGracefully(server: Server, close: () => Promise<void>, logger: Logger, graceMs = 10_000): Promise<void> {
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
