import { writeFileSync } from 'node:fs';
import { API_KEY_PREFIX, generateSecret } from '../app/lib/credentials';
import { ProvisioningClient, range } from './provision';
import type { Fixtures } from './scenarios';

/**
 * Everything the scenarios need, created through the public API of a running server: one
 * account, organizations with keys spread over them (1,000 over 100 by default), the cold keys
 * (spread the same way), and one more organization whose budget is a single point per hour.
 */
export async function provisionFixtures(baseUrl: string, counts: { spreadKeys: number; spreadOrganizations: number; coldKeys: number }): Promise<Fixtures> {
  const client = new ProvisioningClient(baseUrl);
  const account = await client.register();
  const orgIds = await client.organizations(account, counts.spreadOrganizations);
  const spread = await client.keys(account, orgIds, counts.spreadKeys, [account.key]);
  const cold = await client.keys(account, orgIds, counts.coldKeys);

  const poorOrg = await client.createOrganization(account.token, 'over budget');
  await client.setBudget(account.token, poorOrg, 1, 3600);
  const poorKey = await client.createKey(account.token, poorOrg, 'over budget');

  return {
    warmKey: account.key.key,
    spreadKeys: spread.map((k) => k.key),
    coldKeys: cold.map((k) => k.key),
    listingKey: account.key.key,
    overBudgetKey: poorKey.key,
    unknownKeys: range(1000).map(() => generateSecret(API_KEY_PREFIX)),
    malformedKeys: range(100).map(() => breakChecksum(generateSecret(API_KEY_PREFIX))),
  };
}

function breakChecksum(secret: string): string {
  return secret.slice(0, -1) + (secret.endsWith('0') ? '1' : '0');
}

/**
 * Records the API's real answers for the bare reference to send back: the same JSON, byte for
 * byte, without the work behind it.
 */
export async function recordResponses(baseUrl: string, fixtures: Fixtures, file: string): Promise<void> {
  const responses: Record<string, unknown> = {};
  for (const [path, key] of [['/v1/health', fixtures.warmKey], ['/v1/api_keys', fixtures.listingKey]] as const) {
    const res = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${key}` } });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    responses[path] = await res.json();
  }
  writeFileSync(file, JSON.stringify(responses));
}
