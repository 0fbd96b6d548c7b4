import { useEffect, useState } from 'preact/hooks';

// A few history-API routes under /dashboard; the server answers index.html for all of them.
export const BASE = '/dashboard';

export type Route =
  | { page: 'login' }
  | { page: 'register' }
  | { page: 'apiKeys'; orgId: string }
  | { page: 'apiKey'; orgId: string; keyId: string }
  | { page: 'usage'; orgId: string }
  | { page: 'logs'; orgId: string }
  | { page: 'inboxes'; orgId: string }
  | { page: 'inbox'; orgId: string; inboxId: string; view: 'messages' | 'threads' }
  | { page: 'compose'; orgId: string; inboxId: string }
  | { page: 'message'; orgId: string; inboxId: string; messageId: string }
  | { page: 'thread'; orgId: string; inboxId: string; threadId: string }
  | { page: 'webhooks'; orgId: string }
  | { page: 'webhook'; orgId: string; webhookId: string }
  | { page: 'domains'; orgId: string }
  | { page: 'domain'; orgId: string; domain: string }
  | { page: 'home' };

/** The organization a signed-in page is about, if any. */
export function orgIdOf(route: Route): string | null {
  return 'orgId' in route ? route.orgId : null;
}

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean);
  if (parts.length === 1 && parts[0] === 'login') return { page: 'login' };
  if (parts.length === 1 && parts[0] === 'register') return { page: 'register' };
  if (parts.length === 4 && parts[0] === 'organizations' && parts[2] === 'settings' && parts[3] === 'api-keys') {
    return { page: 'apiKeys', orgId: decodeURIComponent(parts[1]!) };
  }
  if (parts.length === 5 && parts[0] === 'organizations' && parts[2] === 'settings' && parts[3] === 'api-keys') {
    return { page: 'apiKey', orgId: decodeURIComponent(parts[1]!), keyId: decodeURIComponent(parts[4]!) };
  }
  if (parts.length === 3 && parts[0] === 'organizations' && (parts[2] === 'usage' || parts[2] === 'logs')) {
    return { page: parts[2], orgId: decodeURIComponent(parts[1]!) };
  }
  if (parts[0] === 'organizations' && parts.length >= 3) return parseOrgSection(decodeURIComponent(parts[1]!), parts.slice(2).map(decodeURIComponent));
  return { page: 'home' };
}

/** Inboxes, mail, webhooks and domains: /organizations/:orgId/<section>/... */
function parseOrgSection(orgId: string, [section, id, sub, subId, ...rest]: string[]): Route {
  if (rest.length > 0) return { page: 'home' };
  if (section === 'inboxes') {
    if (id === undefined) return { page: 'inboxes', orgId };
    if (sub === undefined) return { page: 'inbox', orgId, inboxId: id, view: 'messages' };
    if (sub === 'threads' && subId === undefined) return { page: 'inbox', orgId, inboxId: id, view: 'threads' };
    if (sub === 'compose' && subId === undefined) return { page: 'compose', orgId, inboxId: id };
    if (sub === 'messages' && subId !== undefined) return { page: 'message', orgId, inboxId: id, messageId: subId };
    if (sub === 'threads' && subId !== undefined) return { page: 'thread', orgId, inboxId: id, threadId: subId };
  }
  if (sub !== undefined) return { page: 'home' };
  if (section === 'webhooks') return id === undefined ? { page: 'webhooks', orgId } : { page: 'webhook', orgId, webhookId: id };
  if (section === 'domains') return id === undefined ? { page: 'domains', orgId } : { page: 'domain', orgId, domain: id };
  return { page: 'home' };
}

export const paths = {
  login: () => `${BASE}/login`,
  register: () => `${BASE}/register`,
  apiKeys: (orgId: string) => `${BASE}/organizations/${encodeURIComponent(orgId)}/settings/api-keys`,
  apiKey: (orgId: string, keyId: string) => `${BASE}/organizations/${encodeURIComponent(orgId)}/settings/api-keys/${encodeURIComponent(keyId)}`,
  usage: (orgId: string) => `${BASE}/organizations/${encodeURIComponent(orgId)}/usage`,
  logs: (orgId: string) => `${BASE}/organizations/${encodeURIComponent(orgId)}/logs`,
  inboxes: (orgId: string) => `${org(orgId)}/inboxes`,
  /** An inbox's mail; `query` is the search, kept in the URL so a reload or a shared link keeps it. */
  inbox: (orgId: string, inboxId: string, filter: { query?: string; direction?: string } = {}) => {
    const params = new URLSearchParams();
    if (filter.query) params.set('query', filter.query);
    if (filter.direction) params.set('direction', filter.direction);
    const search = params.toString();
    return `${org(orgId)}/inboxes/${enc(inboxId)}${search ? `?${search}` : ''}`;
  },
  threads: (orgId: string, inboxId: string) => `${org(orgId)}/inboxes/${enc(inboxId)}/threads`,
  compose: (orgId: string, inboxId: string) => `${org(orgId)}/inboxes/${enc(inboxId)}/compose`,
  message: (orgId: string, inboxId: string, messageId: string) => `${org(orgId)}/inboxes/${enc(inboxId)}/messages/${enc(messageId)}`,
  thread: (orgId: string, inboxId: string, threadId: string) => `${org(orgId)}/inboxes/${enc(inboxId)}/threads/${enc(threadId)}`,
  webhooks: (orgId: string) => `${org(orgId)}/webhooks`,
  webhook: (orgId: string, webhookId: string) => `${org(orgId)}/webhooks/${enc(webhookId)}`,
  domains: (orgId: string) => `${org(orgId)}/domains`,
  domain: (orgId: string, domain: string) => `${org(orgId)}/domains/${enc(domain)}`,
};

function enc(part: string): string {
  return encodeURIComponent(part);
}

function org(orgId: string): string {
  return `${BASE}/organizations/${enc(orgId)}`;
}

/** A search parameter of the current URL (e.g. the mail search). */
export function searchParam(name: string): string {
  return new URLSearchParams(location.search).get(name) ?? '';
}

const NAVIGATE = 'dashboard:navigate';

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname + location.search) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATE));
}

/** The current route, updated on navigate() and on the browser's back and forward buttons. */
export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.pathname));
  useEffect(() => {
    const update = () => setRoute(parseRoute(location.pathname));
    window.addEventListener('popstate', update);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', update);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return route;
}
