import type { Knex } from 'knex';
import type { Logger } from 'pino';
import type { Config } from '../config';
import { LocalRepeatLock, RedisRepeatLock } from './infra/repeatLock';
import { ResolverLookup } from './infra/dnsLookup';
import type { RedisClient } from './infra/redisClients';
import type { RedisKeys } from './infra/redisKeys';
import { resolveSecretsKey } from './infra/secretsKey';
import { SecretBox } from './lib/secretBox';
import { DomainRepository } from './repositories/domains';
import { DomainChecker } from './services/domainChecker';
import { DomainRechecker } from './services/domainRechecker';
import { DomainService } from './services/domains';
import type { EventPublisher } from './services/events';

/** One DNS query's deadline per try (two tries): a verify request waits at most about twice this. */
const DNS_TIMEOUT_MS = 3000;

/** Custom domains' part of Deps (docs/email.md#your-own-domain). */
export interface DomainServices {
  domains: DomainService;
  domainRechecker: DomainRechecker;
}

/** Built by the composition root; the re-check runs from here until close. */
export function buildDomainServices(
  config: Config,
  knex: Knex,
  deps: { events: EventPublisher; redis: RedisClient | null; redisKeys: RedisKeys; logger: Logger },
): DomainServices & { close(): Promise<void> } {
  const logger = deps.logger.child({ component: 'domains' });
  const { mailHostname, mailHostnameIsDefault, spfMechanism, dnsServers, recheckMs } = config.domains;
  if (mailHostnameIsDefault) {
    logger.warn({ mailHostname }, "MAIL_HOSTNAME is not set: domains are told to publish this machine's host name as their MX; set MAIL_HOSTNAME to the public name of this server's receiving SMTP");
  }
  const secretsKey = resolveSecretsKey(config, logger);
  const repo = new DomainRepository(knex);
  const policy = { mailHostname, spfMechanism };
  const domains = new DomainService({
    repo,
    checker: new DomainChecker(new ResolverLookup(dnsServers, DNS_TIMEOUT_MS), policy),
    events: deps.events,
    secrets: secretsKey && new SecretBox(secretsKey),
    policy,
    defaultDomain: config.defaultEmailDomain.toLowerCase(),
  });
  const lock = deps.redis ? new RedisRepeatLock(deps.redis, deps.redisKeys.domainRecheckLock) : new LocalRepeatLock();
  const rechecker = new DomainRechecker(domains, repo, lock, recheckMs, logger);
  rechecker.start();
  return {
    domains,
    domainRechecker: rechecker,
    close: () => rechecker.stop(),
  };
}
