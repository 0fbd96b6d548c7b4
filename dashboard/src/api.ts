// The dashboard's only way to the server: the public API, with the user's access token as a
// Bearer header. Never a cookie: the token lives in memory and sessionStorage (session.ts).

export interface Organization {
  id: string;
  name: string;
  createdAt: string;
}

export interface User {
  id: string;
  email: string;
  firstName: string;
  lastName: string;
}

export interface UserWithOrganizations extends User {
  organizations: Organization[];
}

export { SCOPES } from './scopes';

export interface ApiKey {
  id: string;
  name: string;
  start: string;
  organizationId: string;
  active: boolean;
  expiresAt: string | null;
  lastUsedAt: string | null;
  scopes: string[];
  /** null: every inbox of the organization. */
  inboxIds: string[] | null;
  rolledTo: string | null;
  rolledFrom: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface NewKeyBody {
  name: string;
  expiresAt?: string;
  scopes?: string[];
  inboxIds?: string[] | null;
}

export interface Inbox {
  id: string;
  name?: string;
  email: string;
}

/** A key as the creation response returns it: the only time `key` (the secret) is present. */
export interface NewApiKey extends ApiKey {
  key: string;
}

export interface ErrorDetail {
  path: string;
  message: string;
}

export const OUTCOMES = ['accepted', 'rate_limited', 'key_refused', 'client_error', 'server_error'] as const;
export type Outcome = (typeof OUTCOMES)[number];

/** GET /usage: one key's requests in one bucket. */
export interface UsagePoint {
  at: string;
  apiKeyId: string;
  requests: number;
  outcomes: Record<Outcome, number>;
}

export interface KeyClient {
  address: string;
  userAgent: string;
  requests: number;
  firstSeenAt: string;
  lastSeenAt: string;
}

export interface RequestLog {
  id: string;
  at: string;
  method: string;
  route: string;
  path: string;
  status: number;
  apiKeyId: string;
  address: string;
  userAgent: string;
  durationMs: number;
  requestId: string;
  /** Answered with the kept answer of an earlier request with the same Idempotency-Key. */
  replayed: boolean;
}

export interface LogFilter {
  apiKeyId?: string;
  status?: string;
  route?: string;
  before?: string;
}

/** A refused request, from the API's error envelope `{ error, code, requestId, details? }`. */
export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null = null,
    readonly details: ErrorDetail[] = [],
    /** From Retry-After on a 429: seconds to wait. */
    readonly retryAfterSeconds: number | null = null,
  ) {
    super(message);
  }
}

const SESSION_CODES = new Set(['missing_token', 'malformed_token', 'invalid_token', 'token_expired']);

/** True when the access token no longer works and the user has to log in again. */
export function isSessionLost(err: unknown): err is ApiFailure {
  return err instanceof ApiFailure && err.status === 401 && SESSION_CODES.has(err.code);
}

export async function call<T>(method: string, path: string, token: string | null, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
    });
  } catch {
    throw new ApiFailure(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
  const data = await readJson(res);
  if (!res.ok) throw toFailure(res, data);
  return data as T;
}

/**
 * A file from the API as a Blob, fetched with the Bearer header: the token never goes into a URL
 * (an <a href> or an <img src> would need it there, and URLs end up in logs and histories).
 */
export async function callBlob(path: string, token: string): Promise<Blob> {
  let res: Response;
  try {
    res = await fetch(path, { headers: { authorization: `Bearer ${token}` }, credentials: 'omit', cache: 'no-store' });
  } catch {
    throw new ApiFailure(0, 'network_error', 'Could not reach the server. Check your connection and try again.');
  }
  if (!res.ok) throw toFailure(res, await readJson(res));
  return res.blob();
}

async function readJson(res: Response): Promise<unknown> {
  const text = await res.text();
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function toFailure(res: Response, data: unknown): ApiFailure {
  const envelope = (data ?? {}) as { error?: unknown; code?: unknown; requestId?: unknown; details?: unknown };
  const message = typeof envelope.error === 'string' ? envelope.error : `The server answered ${res.status} ${res.statusText}.`;
  const code = typeof envelope.code === 'string' ? envelope.code : 'http_' + res.status;
  const requestId = typeof envelope.requestId === 'string' ? envelope.requestId : res.headers.get('x-request-id');
  const details = Array.isArray(envelope.details) ? (envelope.details as ErrorDetail[]) : [];
  return new ApiFailure(res.status, code, message, requestId, details, parseRetryAfter(res.headers.get('retry-after')));
}

/** Retry-After is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, Math.ceil((at - now) / 1000));
}

export const orgPath = (orgId: string) => `/organizations/${encodeURIComponent(orgId)}`;
const keyPath = (orgId: string, keyId: string) => `${orgPath(orgId)}/api_keys/${encodeURIComponent(keyId)}`;
const PAGE = 100;

export const api = {
  register: (body: { email: string; password: string; first_name: string; last_name: string }) =>
    call<{ user: User; token: string; organization: Organization; apiKey: NewApiKey }>('POST', '/auth/register', null, body),
  login: (email: string, password: string) => call<{ user: User; token: string }>('POST', '/auth/login', null, { email, password }),
  currentUser: (token: string) => call<UserWithOrganizations>('GET', '/auth/user', token),
  logout: (token: string) => call<{ success: boolean }>('POST', '/auth/logout', token),
  createOrganization: (token: string, name: string) => call<Organization>('POST', '/organizations', token, { name }),

  /** Every key of the organization, newest first (the API pages by 100). */
  async listKeys(token: string, orgId: string): Promise<ApiKey[]> {
    const all: ApiKey[] = [];
    for (;;) {
      const before = all.length ? `&before=${encodeURIComponent(all[all.length - 1]!.id)}` : '';
      const page = await call<ApiKey[]>('GET', `${orgPath(orgId)}/api_keys?limit=${PAGE}${before}`, token);
      all.push(...page);
      if (page.length < PAGE) return all;
    }
  },
  createKey: (token: string, orgId: string, body: NewKeyBody) => call<NewApiKey>('POST', `${orgPath(orgId)}/api_keys`, token, body),
  /** A successor with a new secret; the old key works for `graceSeconds` more. */
  rollKey: (token: string, orgId: string, keyId: string, graceSeconds: number) =>
    call<NewApiKey>('POST', `${keyPath(orgId, keyId)}/roll`, token, { graceSeconds }),
  /** The organization's first 100 inboxes, for restricting a key to some of them. */
  listInboxes: (token: string, orgId: string) => call<Inbox[]>('GET', `${orgPath(orgId)}/inboxes?limit=${PAGE}`, token),
  setKeyActive: (token: string, orgId: string, keyId: string, active: boolean) =>
    call<ApiKey>('PATCH', keyPath(orgId, keyId), token, { active }),
  deleteKey: (token: string, orgId: string, keyId: string) => call<ApiKey>('DELETE', keyPath(orgId, keyId), token),
  getKey: (token: string, orgId: string, keyId: string) => call<ApiKey>('GET', keyPath(orgId, keyId), token),

  usage(token: string, orgId: string, q: { granularity: 'minute' | 'hour'; from: Date; apiKeyId?: string }) {
    const params = new URLSearchParams({ granularity: q.granularity, from: q.from.toISOString() });
    if (q.apiKeyId) params.set('apiKeyId', q.apiKeyId);
    return call<UsagePoint[]>('GET', `${orgPath(orgId)}/usage?${params}`, token);
  },
  clients: (token: string, orgId: string, keyId: string) => call<KeyClient[]>('GET', `${keyPath(orgId, keyId)}/clients`, token),
  logs(token: string, orgId: string, filter: LogFilter) {
    const params = new URLSearchParams({ limit: '50' });
    for (const [name, value] of Object.entries(filter)) if (value) params.set(name, value);
    return call<RequestLog[]>('GET', `${orgPath(orgId)}/logs?${params}`, token);
  },
};
