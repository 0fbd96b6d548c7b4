import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import type { Counters } from './infra/counters';
import type { Metrics } from './metrics/metrics';
import { BullDeliveryQueue } from './infra/bullDeliveryQueue';
import type { DeliveryQueue } from './infra/deliveryQueue';
import { MemoryDeliveryQueue } from './infra/memoryDeliveryQueue';
import type { RedisKeys } from './infra/redisKeys';
import { AttachmentRepository } from './repositories/attachments';
import { InboxRepository } from './repositories/inboxes';
import { MessageRepository } from './repositories/messages';
import { ThreadRepository } from './repositories/threads';
import { WebhookRepository } from './repositories/webhooks';
import { AddressOwnership, type VerifiedDomains } from './services/addressOwnership';
import { EventPublisher } from './services/events';
import { InboundMailService } from './services/inbound';
import { InboxService } from './services/inboxes';
import { createMailTransport, type MailTransport } from './services/mailTransport';
import { MessageService } from './services/messages';
import { ThreadService } from './services/threads';
import { WebhookDeliverer } from './services/webhookDelivery';
import { WebhookService } from './services/webhooks';
import { WebhookTargetGuard } from './services/webhookTargets';

/** The email resources' part of Deps (docs/email.md). */
export interface EmailServices {
  inboxes: InboxService;
  messages: MessageService;
  threads: ThreadService;
  webhooks: WebhookService;
  webhookTargets: WebhookTargetGuard;
  events: EventPublisher;
  deliveryQueue: DeliveryQueue;
  mailTransport: MailTransport;
  /** Storing mail the SMTP server receives (app/smtp/). */
  inbound: InboundMailService;
}

/**
 * Built by the composition root (container.ts) with the knex and key names it owns. The delivery
 * queue is BullMQ when Redis is configured (its own connections) and in process otherwise.
 */
export function buildEmailServices(
  config: Config,
  knex: Knex,
  redisKeys: RedisKeys,
  logger: Logger,
  observe: { counters: Counters; metrics: Metrics | null },
  domains: VerifiedDomains,
): EmailServices & { close(): Promise<void> } {
  const webhookRepo = new WebhookRepository(knex);
  const messageRepo = new MessageRepository(knex);
  const webhookTargets = new WebhookTargetGuard(config.webhookAllowPrivate);
  const policy = { maxAttempts: config.webhooks.maxAttempts, backoffMs: config.webhooks.backoffMs, concurrency: config.webhooks.concurrency };
  const deliveryQueue: DeliveryQueue = config.redis
    ? new BullDeliveryQueue({ target: config.redis, prefix: redisKeys.bullPrefix, policy, logger })
    : new MemoryDeliveryQueue(policy, logger);
  const deliverer = new WebhookDeliverer(webhookRepo, webhookTargets, policy, config.webhooks.timeoutMs, logger);
  const outcomes = observe.counters.webhookDeliveries;
  deliveryQueue.start(async (job, attempt) => {
    const outcome = await deliverer.deliver(job, attempt);
    if (outcome === 'delivered') outcomes.delivered++;
    else if (outcome === 'retry' && attempt < policy.maxAttempts) outcomes.retrying++;
    else outcomes.failed++;
    return outcome;
  });
  observe.metrics?.watchWebhookQueue(() => deliveryQueue.depth());

  const events = new EventPublisher(webhookRepo, deliveryQueue, logger);
  const mailTransport = createMailTransport(config.smtpUrl, config.mail.smtpTimeoutMs, logger);
  const inboxRepo = new InboxRepository(knex);
  const ownership = new AddressOwnership(domains, config.defaultEmailDomain, config.defaultDkim);
  if (config.defaultDkim) logger.info({ domain: config.defaultEmailDomain, selector: config.defaultDkim.keySelector }, 'mail from the default domain is DKIM-signed');
  const inboxes = new InboxService(inboxRepo, events, config.defaultEmailDomain.toLowerCase(), ownership);
  const threadRepo = new ThreadRepository(knex);
  const attachmentRepo = new AttachmentRepository(knex);
  return {
    inboxes,
    messages: new MessageService({ knex, messages: messageRepo, threads: threadRepo, attachments: attachmentRepo, inboxes, ownership, transport: mailTransport, events }),
    threads: new ThreadService(threadRepo, messageRepo, inboxes),
    webhooks: new WebhookService(webhookRepo, events),
    webhookTargets,
    events,
    deliveryQueue,
    mailTransport,
    inbound: new InboundMailService({
      knex,
      inboxes: inboxRepo,
      ownership,
      messages: messageRepo,
      threads: threadRepo,
      attachments: attachmentRepo,
      events,
      orgMaxBytes: config.inbound.orgMaxBytes,
    }),
    async close() {
      // Fan-outs in flight reach the queue first; then running attempts finish and record.
      await events.drain();
      await deliveryQueue.close();
      mailTransport.close();
    },
  };
}
