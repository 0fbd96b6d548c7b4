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
  return { page: 'home' };
}

export const paths = {
  login: () => `${BASE}/login`,
  register: () => `${BASE}/register`,
  apiKeys: (orgId: string) => `${BASE}/organizations/${encodeURIComponent(orgId)}/settings/api-keys`,
  apiKey: (orgId: string, keyId: string) => `${BASE}/organizations/${encodeURIComponent(orgId)}/settings/api-keys/${encodeURIComponent(keyId)}`,
  usage: (orgId: string) => `${BASE}/organizations/${encodeURIComponent(orgId)}/usage`,
  logs: (orgId: string) => `${BASE}/organizations/${encodeURIComponent(orgId)}/logs`,
};

const NAVIGATE = 'dashboard:navigate';

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname) return;
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
