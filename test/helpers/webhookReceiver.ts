import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../app/lib/webhookSignature';
import { eventually } from './eventually';

export interface Delivery {
  path: string;
  headers: IncomingHttpHeaders;
  /** The raw body, as the signature covers it. */
  raw: string;
  body: any;
  at: number;
}

/** What a path answers to its n-th delivery (from 1): a status code, or 'hang' to never answer. */
export type Behaviour = (countForPath: number, delivery: Delivery) => number | 'hang';

/**
 * A real HTTP server that receives webhook deliveries. Each path is its own target, so tests
 * running concurrently each give their own path its behaviour; unknown paths answer 200.
 */
export class WebhookReceiver {
  readonly deliveries: Delivery[] = [];
  private readonly behaviours = new Map<string, Behaviour>();

  private constructor(
    private readonly server: Server,
    readonly base: string,
  ) {}

  static async start(): Promise<WebhookReceiver> {
    let receiver: WebhookReceiver | undefined;
    const server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const delivery: Delivery = { path: req.url ?? '/', headers: req.headers, raw, body: safeJson(raw), at: Date.now() };
        receiver!.deliveries.push(delivery);
        const count = receiver!.deliveries.filter((d) => d.path === delivery.path).length;
        const answer = receiver!.behaviours.get(delivery.path)?.(count, delivery) ?? 200;
        if (answer === 'hang') return;
        res.writeHead(answer, { 'content-type': 'text/plain' }).end('ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    receiver = new WebhookReceiver(server, `http://127.0.0.1:${port}`);
    return receiver;
  }

  behave(path: string, behaviour: Behaviour): void {
    this.behaviours.set(path, behaviour);
  }

  url(path: string): string {
    return this.base + path;
  }

  at(path: string): Delivery[] {
    return this.deliveries.filter((d) => d.path === path);
  }

  /** Waits until `path` received at least `count` deliveries (matching `filter`). */
  waitFor(path: string, count = 1, filter: (d: Delivery) => boolean = () => true, timeoutMs = 8000): Promise<Delivery[]> {
    return eventually(() => {
      const found = this.at(path).filter(filter);
      return found.length >= count ? found : undefined;
    }, timeoutMs, `${count} deliveries at ${path}`);
  }

  /** True when the delivery carries a valid Sendook-Signature for `secret`. */
  static signedWith(delivery: Delivery, secret: string): boolean {
    const header = delivery.headers['sendook-signature'];
    return typeof header === 'string' && verifySignature(header, secret, delivery.raw);
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
