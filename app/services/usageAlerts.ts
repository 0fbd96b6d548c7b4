import type { Logger } from 'pino';
import type { UsageAlert } from '../domain/usage';
import { serializeApiKey } from '../http/serializers';
import type { AlertMarkRepository, AlertKind } from '../repositories/alertMarks';
import type { ApiKeyRepository } from '../repositories/apiKeys';
import type { EventPublisher } from './events';
import type { UsageBatch } from './usageRecorder';

const HOUR_MS = 3_600_000;
/** A client address not seen for a key in this long is new again. */
export const NEW_CLIENT_QUIET_MS = 30 * 24 * HOUR_MS;
// Marks this instance knows are held; past this many it forgets them all (then asks the database).
const MAX_KNOWN_MARKS = 10_000;

/**
 * Finds the alerts in a flushed batch and sends each at most once across instances: a refused
 * key once per key per hour, an empty bucket once per bucket window, a client address once per
 * 30 days of silence. The database marks decide (AlertMarkRepository); this instance remembers
 * the marks it holds, so a key refused all day costs one claim an hour, not one per flush.
 */
export class UsageAlerts {
  private readonly known = new Map<string, number>();

  constructor(
    private readonly marks: AlertMarkRepository,
    private readonly keys: ApiKeyRepository,
    private readonly events: EventPublisher,
    private readonly logger: Logger,
  ) {}

  async process(batch: UsageBatch, now = Date.now()): Promise<void> {
    for (const [apiKeyId, { organizationId, reason }] of batch.refused) {
      if (await this.claim('rejected', apiKeyId, now + HOUR_MS, now)) this.send({ event: 'api_key.rejected', organizationId, apiKeyId, reason });
    }
    for (const [organizationId, { limit, resetAt }] of batch.rateLimited) {
      if (await this.claim('rate_limited', organizationId, resetAt, now)) this.send({ event: 'organization.rate_limited', organizationId, limit, resetAt });
    }
    await this.newClients(batch, now);
  }

  private async newClients(batch: UsageBatch, now: number): Promise<void> {
    const seen = new Map<string, { organizationId: string; apiKeyId: string; address: string; userAgent: string }>();
    for (const c of batch.clients.values()) seen.set(`${c.apiKeyId}:${c.address}`, c);
    if (seen.size === 0) return;
    const quietUntil = now + NEW_CLIENT_QUIET_MS;
    const held = await this.marks.find('new_client', [...seen.keys()]);
    for (const [subject, c] of seen) {
      if ((held.get(subject) ?? 0) > now) continue;
      if (await this.marks.claim('new_client', subject, quietUntil, now)) {
        this.send({ event: 'api_key.new_client', organizationId: c.organizationId, apiKeyId: c.apiKeyId, address: c.address, userAgent: c.userAgent });
      }
    }
    // Seen now: quiet for another 30 days from now.
    await this.marks.extend('new_client', [...seen.keys()], quietUntil);
  }

  private async claim(kind: AlertKind, subject: string, until: number, now: number): Promise<boolean> {
    const memo = `${kind}:${subject}`;
    if ((this.known.get(memo) ?? 0) > now) return false;
    const claimed = await this.marks.claim(kind, subject, until, now);
    if (this.known.size >= MAX_KNOWN_MARKS) this.known.clear();
    // Claimed by us or by another instance: either way the subject is quiet until about `until`.
    this.known.set(memo, until);
    return claimed;
  }

  private send(alert: UsageAlert): void {
    this.logger.info({ event: alert.event, organizationId: alert.organizationId }, 'usage alert');
    if (alert.event === 'organization.rate_limited') {
      const payload = { organizationId: alert.organizationId, limit: alert.limit, resetAt: new Date(alert.resetAt).toISOString() };
      return this.events.emitAlert(alert.organizationId, alert.event, async () => payload);
    }
    this.events.emitAlert(alert.organizationId, alert.event, async () => {
      const [key] = await this.keys.findByIds([alert.apiKeyId]);
      if (!key) return null;
      const apiKey = serializeApiKey(key);
      return alert.event === 'api_key.rejected'
        ? { apiKey, reason: alert.reason }
        : { apiKey, client: { address: alert.address, userAgent: alert.userAgent } };
    });
  }
}
