import type { Deps } from '../container';
import { createDnsResolver } from './dnsResolver';
import { InboundSmtpServer } from './inboundServer';

/** The receiving SMTP server over the app's services; main.ts listens with it when SMTP_INBOUND_PORT is set. */
export function createInboundSmtpServer(deps: Pick<Deps, 'inbound' | 'inboundClientBuckets' | 'config' | 'logger'>): InboundSmtpServer {
  const { config } = deps;
  return new InboundSmtpServer({
    inbound: deps.inbound,
    clientBuckets: deps.inboundClientBuckets,
    config: config.inbound,
    resolver: createDnsResolver(config.inbound.dnsServers, config.inbound.dnsTimeoutMs),
    logger: deps.logger.child({ component: 'smtp' }),
  });
}
