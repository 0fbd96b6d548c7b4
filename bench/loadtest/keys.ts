import { readFileSync } from 'node:fs';
import { mapLimit, ProvisioningClient, type Account, type ProvisionedKey } from '../provision';
import { parsePolicy, type Observation } from './budgets';
import type { LoadKey } from './drive';

export interface ProvisionedLoad {
  account: Account;
  keys: ProvisionedKey[];
}

/** Registers a user, creates the organizations and keys, and sets each organization's budget. */
export async function provisionLoad(url: string, orgs: number, keys: number, budget: { points: number; window: number } | null): Promise<ProvisionedLoad> {
  const client = new ProvisioningClient(url);
  const account = await client.register();
  const orgIds = await client.organizations(account, orgs);
  if (budget) await mapLimit(orgIds, 8, (orgId) => client.setBudget(account.token, orgId, budget.points, budget.window));
  return { account, keys: await client.keys(account, orgIds, keys, [account.key]) };
}

export async function revokeLoad(url: string, load: ProvisionedLoad): Promise<void> {
  const client = new ProvisioningClient(url);
  await mapLimit(load.keys, 16, (key) => client.revokeKey(load.account.token, key));
}

/**
 * Keys from a file: one per line (optionally `key,orgId`), or a JSON array of strings or of
 * `{ key, orgId }`. Keys without an organization are asked for it with GET /v1/health, whose
 * answers are returned as observations because they used points of the same buckets.
 */
export async function keysFromFile(url: string, file: string): Promise<{ keys: LoadKey[]; observations: Observation[] }> {
  const text = readFileSync(file, 'utf8').trim();
  const entries: Array<{ key: string; orgId?: string }> = text.startsWith('[')
    ? (JSON.parse(text) as Array<string | { key: string; orgId?: string }>).map((e) => (typeof e === 'string' ? { key: e } : e))
    : text.split(/\r?\n/).filter(Boolean).map((line) => {
        const [key, orgId] = line.split(',').map((s) => s.trim());
        return { key: key!, orgId };
      });
  const observations: Observation[] = [];
  const keys = await mapLimit(entries, 16, async (entry) => {
    if (entry.orgId) return { key: entry.key, orgId: entry.orgId };
    const res = await fetch(`${url}/v1/health`, { headers: { authorization: `Bearer ${entry.key}` } });
    const body = (await res.json().catch(() => ({}))) as { organizationId?: string };
    if (res.status !== 200 || !body.organizationId) {
      throw new Error(`key ${entry.key.slice(0, 9)}… answered ${res.status} to GET /v1/health; give its organization as "key,orgId"`);
    }
    const policy = parsePolicy(res.headers.get('ratelimit-policy') ?? undefined);
    if (policy) {
      const resetSeconds = Number(res.headers.get('ratelimit-reset') ?? 0);
      observations.push({ orgId: body.organizationId, atMs: performance.now(), accepted: true, resetSeconds, ...policy, degraded: res.headers.has('sendook-degraded') });
    }
    return { key: entry.key, orgId: body.organizationId };
  });
  return { keys, observations };
}
