import { writeFileSync } from 'node:fs';
import { API_KEY_PREFIX, generateSecret } from '../app/lib/credentials';
import { ProvisioningClient, range } from './provision';
import { Seeder } from './seed';
import { RECORDED_PATHS } from './referenceServer';
import type { Fixtures } from './scenarios';

/**
 * Everything the scenarios need: one account registered through the public API, organizations
 * with keys spread over them (1,000 over 100 by default: the account's own plus the seeded ones),
 * the cold keys (spread the same way), and an organization whose budget is one point per hour.
 */
export async function provisionFixtures(
  baseUrl: string,
  databaseUrl: string,
  counts: { spreadKeys: number; spreadOrganizations: number; coldKeys: number },
): Promise<Fixtures> {
  const client = new ProvisioningClient(baseUrl);
  const account = await client.register();
  const seeder = new Seeder(databaseUrl);
  try {
    const orgIds = [account.orgId, ...(await seeder.organizations(account.userId, counts.spreadOrganizations - 1))];
    const spread = [account.key.key, ...(await seeder.apiKeys(orgIds, counts.spreadKeys - 1))];
    const cold = await seeder.apiKeys(orgIds, counts.coldKeys);

    const poorOrg = await client.createOrganization(account.token, 'over budget');
    await client.setBudget(account.token, poorOrg, 1, 3600);
    const poorKey = await client.createKey(account.token, poorOrg, 'over budget');

    return {
      warmKey: account.key.key,
      spreadKeys: spread,
      coldKeys: cold,
      listingKey: account.key.key,
      overBudgetKey: poorKey.key,
      unknownKeys: range(1000).map(() => generateSecret(API_KEY_PREFIX)),
      malformedKeys: range(100).map(() => breakChecksum(generateSecret(API_KEY_PREFIX))),
    };
  } finally {
    await seeder.close();
  }
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
  const keyFor: Record<(typeof RECORDED_PATHS)[number], string> = { '/v1/health': fixtures.warmKey, '/v1/api_keys': fixtures.listingKey };
  for (const path of RECORDED_PATHS) {
    const key = keyFor[path];
    const res = await fetch(baseUrl + path, { headers: { authorization: `Bearer ${key}` } });
    if (res.status !== 200) throw new Error(`GET ${path} answered ${res.status}`);
    responses[path] = await res.json();
  }
  writeFileSync(file, JSON.stringify(responses));
}
