import { createServer, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type Koa from 'koa';
import type { Logger } from 'pino';

const MAX_HEADER_BYTES = 16 * 1024;

/** An HTTP server for the app: 16 KB header limit answered with the error envelope (431). */
export function createHttpServer(app: Koa, logger: Logger): Server {
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, app.callback());
  trackConnections(server);
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

// Open connections per server, for the graceful stop. Tracked per connection, not per request:
// a listener per request (a Set entry and a 'close' handler on each response) cost about a fifth
// of the warm /v1 throughput in the bench.
const connections = new WeakMap<Server, Set<Socket>>();

function trackConnections(server: Server): void {
  const sockets = new Set<Socket>();
  connections.set(server, sockets);
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
}

/**
 * The response a connection is serving now. Node keeps it as `socket._httpMessage`: not
 * documented, but stable for a decade and what graceful-shutdown libraries such as
 * http-terminator read for the same purpose.
 */
function currentResponse(socket: Socket): ServerResponse | undefined {
  return (socket as Socket & { _httpMessage?: ServerResponse })._httpMessage;
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
  for (const socket of connections.get(server) ?? []) {
    const res = currentResponse(socket);
    if (res && !res.headersSent) res.setHeader('Connection', 'close');
  }
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
