import type { Logger } from 'pino';
import type { RedisClient } from '../infra/redisClients';

export type Invalidation = { kind: 'apikey'; id: string } | { kind: 'org'; id: string };

/**
 * Carries cache invalidations between instances on the `invalidate` channel. In embedded mode
 * (no Redis) there is only this instance, so publishing is a no-op.
 */
export class InvalidationBus {
  private readonly handlers: Array<(message: Invalidation) => void> = [];

  constructor(
    private readonly publisher: RedisClient | null,
    private readonly subscriber: RedisClient | null,
    private readonly channel: string,
    private readonly logger: Logger,
  ) {}

  onMessage(handler: (message: Invalidation) => void): void {
    this.handlers.push(handler);
  }

  async start(): Promise<void> {
    if (!this.subscriber) return;
    this.subscriber.on('message', (channel: string, raw: string) => {
      if (channel !== this.channel) return;
      const message = parse(raw);
      if (message) for (const handle of this.handlers) handle(message);
    });
    // Not awaited: with Redis down at boot the subscription is queued and made on connect.
    this.subscriber.subscribe(this.channel).catch((err: unknown) => this.logger.warn({ err }, 'could not subscribe to invalidations'));
  }

  async publish(message: Invalidation): Promise<void> {
    if (!this.publisher) return;
    try {
      await this.publisher.publish(this.channel, JSON.stringify(message));
    } catch (err) {
      // Instances that miss it drop their copy within the in-process TTL, and every instance
      // clears its in-process caches when its subscriber reconnects.
      this.logger.warn({ err, invalidation: message }, 'could not publish invalidation');
    }
  }
}

function parse(raw: string): Invalidation | null {
  try {
    const value = JSON.parse(raw) as Partial<Invalidation>;
    if ((value.kind === 'apikey' || value.kind === 'org') && typeof value.id === 'string') {
      return value as Invalidation;
    }
  } catch {
    // ignore foreign messages on the channel
  }
  return null;
}
