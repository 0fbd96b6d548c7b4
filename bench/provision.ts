import { randomBytes } from 'node:crypto';

/** An API key the bench or load test created, with the organization it belongs to. */
export interface ProvisionedKey {
  key: string;
  id: string;
  orgId: string;
}

export interface Account {
  email: string;
  userId: string;
  token: string;
  orgId: string;
  key: ProvisionedKey;
}

/**
 * Provisions organizations and keys through the public API only (docs/api.md), so the
 * same code works against the bench's own server and against any running deployment.
 */
export class ProvisioningClient {
  constructor(readonly baseUrl: string) {}

  async register(): Promise<Account> {
    const email = `loadtest-${randomBytes(6).toString('hex')}@example.com`;
    const body = { email, password: randomBytes(12).toString('base64url'), first_name: 'Load', last_name: 'Test' };
    const res = await this.call('POST', '/auth/register', null, body, 201);
    const key = { key: res.apiKey.key, id: res.apiKey.id, orgId: res.organization.id };
    return { email, userId: res.user.id, token: res.token, orgId: res.organization.id, key };
  }

  async createOrganization(token: string, name: string): Promise<string> {
    return (await this.call('POST', '/organizations', token, { name }, 201)).id;
  }

  async createKey(token: string, orgId: string, name: string): Promise<ProvisionedKey> {
    const res = await this.call('POST', `/organizations/${orgId}/api_keys`, token, { name }, 201);
    return { key: res.key, id: res.id, orgId };
  }

  /**
   * Sets an organization's own request budget: `points` per `duration` seconds. An owner may only
   * lower it below the server default; above it, the server's operator runs `npm run admin`.
   */
  async setBudget(token: string, orgId: string, points: number, duration: number): Promise<void> {
    await this.call('PATCH', `/organizations/${orgId}`, token, { rateLimitPoints: points, rateLimitDuration: duration }, 200).catch((err: Error) => {
      if (!/answered 403/.test(err.message)) throw err;
      throw new Error(
        `${points} per ${duration} s is above the deployment's default budget, which only its operator can raise (npm run admin -- org ${orgId} budget --points ${points} --duration ${duration}); ` +
          'pass a budget within the default, or --points 0 to keep the default.',
      );
    });
  }

  async revokeKey(token: string, key: ProvisionedKey): Promise<void> {
    await this.call('DELETE', `/organizations/${key.orgId}/api_keys/${key.id}`, token, undefined, 200);
  }

  /** `count` more organizations besides the account's default one; returns all of their ids. */
  async organizations(account: Account, count: number, concurrency = 8): Promise<string[]> {
    const created = await mapLimit(range(count - 1), concurrency, (i) => this.createOrganization(account.token, `load test ${i + 2}`));
    return [account.orgId, ...created];
  }

  /** `total` keys spread round-robin over `orgIds`, counting the ones already in `existing`. */
  async keys(account: Account, orgIds: string[], total: number, existing: ProvisionedKey[] = [], concurrency = 32) {
    const slots = range(Math.max(0, total - existing.length)).map((i) => orgIds[(i + existing.length) % orgIds.length]!);
    const created = await mapLimit(slots, concurrency, (orgId, i) => this.createKey(account.token, orgId, `load test key ${i}`));
    return [...existing, ...created];
  }

  private async call(method: string, path: string, token: string | null, body: unknown, expected: number): Promise<any> {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    // Right after a load the organization's budget is spent, and these calls count against it
    // too: wait as the server says, once, when that is within a minute.
    const retryAfter = Number(res.headers.get('retry-after'));
    if (res.status === 429 && retryAfter > 0 && retryAfter <= 60) {
      await res.body?.cancel();
      await new Promise((r) => setTimeout(r, retryAfter * 1000));
      res = await fetch(this.baseUrl + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    }
    const text = await res.text();
    if (res.status !== expected) throw new Error(`${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
    return text ? JSON.parse(text) : undefined;
  }
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** Runs `fn` over `items` with at most `limit` calls in flight, keeping the order of results. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]!, i);
    }
  };
  await Promise.all(range(Math.min(limit, items.length)).map(worker));
  return results;
}
