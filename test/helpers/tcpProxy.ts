import { createServer, connect, type Server, type Socket } from 'node:net';
import { freePort } from './process';

/**
 * A TCP proxy in front of a real server (MySQL) that a test can cut and restore: `cut()` resets
 * every connection and stops listening (new connections are refused); `restore()` listens again
 * on the same port. `delayMs` holds each chunk coming back from the server, to keep requests in
 * flight for a while.
 */
export class TcpProxy {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  delayMs = 0;
  /** Called with every chunk a client sends (e.g. to see which queries reached MySQL). */
  onClientChunk: ((chunk: Buffer) => void) | null = null;

  private constructor(
    readonly port: number,
    private readonly target: { host: string; port: number },
  ) {}

  static async start(target: { host: string; port: number }): Promise<TcpProxy> {
    const proxy = new TcpProxy(await freePort(), target);
    await proxy.restore();
    return proxy;
  }

  async restore(): Promise<void> {
    if (this.server) return;
    const server = createServer((client) => this.pipe(client));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.server = server;
  }

  async cut(): Promise<void> {
    const server = this.server;
    this.server = null;
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  private pipe(client: Socket): void {
    const upstream = connect(this.target.port, this.target.host);
    this.sockets.add(client).add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      this.sockets.delete(client);
      this.sockets.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.on('data', (chunk: Buffer) => {
      this.onClientChunk?.(chunk);
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => {
      if (this.delayMs > 0) setTimeout(() => client.writable && client.write(chunk), this.delayMs);
      else client.write(chunk);
    });
  }
}

/** A proxy in front of the test MySQL server, and the world's database URL through it. */
export async function mysqlProxy(databaseUrl: string, mysqlServerUrl: string): Promise<{ proxy: TcpProxy; url: string }> {
  const server = new URL(mysqlServerUrl);
  const proxy = await TcpProxy.start({ host: server.hostname, port: Number(server.port || 3306) });
  const url = new URL(databaseUrl);
  url.port = String(proxy.port);
  return { proxy, url: url.toString() };
}
