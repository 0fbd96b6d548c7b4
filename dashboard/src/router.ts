import { useEffect, useState } from 'preact/hooks';

// A few history-API routes under /dashboard; the server answers index.html for all of them.
export const BASE = '/dashboard';

export type Route =
  | { page: 'login' }
  | { page: 'register' }
  | { page: 'apiKeys'; orgId: string }
  | { page: 'home' };

export function parseRoute(pathname: string): Route {
  const rest = pathname.startsWith(BASE) ? pathname.slice(BASE.length) : pathname;
  const parts = rest.split('/').filter(Boolean);
  if (parts.length === 1 && parts[0] === 'login') return { page: 'login' };
  if (parts.length === 1 && parts[0] === 'register') return { page: 'register' };
  if (parts.length === 4 && parts[0] === 'organizations' && parts[2] === 'settings' && parts[3] === 'api-keys') {
    return { page: 'apiKeys', orgId: decodeURIComponent(parts[1]!) };
  }
  return { page: 'home' };
}

export const paths = {
  login: () => `${BASE}/login`,
  register: () => `${BASE}/register`,
  apiKeys: (orgId: string) => `${BASE}/organizations/${encodeURIComponent(orgId)}/settings/api-keys`,
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
