import type { Organization } from './api';
import { ComposePage } from './pages/ComposePage';
import { DomainPage } from './pages/DomainPage';
import { DomainsPage } from './pages/DomainsPage';
import { InboxesPage } from './pages/InboxesPage';
import { InboxPage } from './pages/InboxPage';
import { MessagePage } from './pages/MessagePage';
import { ThreadPage } from './pages/ThreadPage';
import { WebhookPage } from './pages/WebhookPage';
import { WebhooksPage } from './pages/WebhooksPage';
import type { Route } from './router';

/** The page of a mail, webhook or domain route; null for the other routes (App.tsx has them). */
export function sectionPage(route: Route, token: string, organization: Organization, onSessionLost: (err: unknown) => void) {
  const common = { token, organization, onSessionLost };
  switch (route.page) {
    case 'inboxes':
      return <InboxesPage {...common} />;
    case 'inbox':
      return <InboxPage key={route.inboxId} {...common} inboxId={route.inboxId} view={route.view} />;
    case 'compose':
      return <ComposePage key={route.inboxId} {...common} inboxId={route.inboxId} />;
    case 'message':
      return <MessagePage {...common} inboxId={route.inboxId} messageId={route.messageId} />;
    case 'thread':
      return <ThreadPage {...common} inboxId={route.inboxId} threadId={route.threadId} />;
    case 'webhooks':
      return <WebhooksPage {...common} />;
    case 'webhook':
      return <WebhookPage key={route.webhookId} {...common} webhookId={route.webhookId} />;
    case 'domains':
      return <DomainsPage {...common} />;
    case 'domain':
      return <DomainPage key={route.domain} {...common} domain={route.domain} />;
    default:
      return null;
  }
}
