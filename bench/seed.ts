import { loadConfig } from '../config';
import type { Knex } from 'knex';
import { createKnex } from '../db/knex';
import type { ApiKey, Organization } from '../app/domain/types';
import { Counters } from '../app/infra/counters';
import { API_KEY_PREFIX, generateSecret, hashSecret, secretStart } from '../app/lib/credentials';
import { newId } from '../app/lib/ids';
import { ApiKeyRepository } from '../app/repositories/apiKeys';
import { OrganizationRepository } from '../app/repositories/organizations';
import { mapLimit, range } from './provision';

const CHUNK = 250;

/**
 * Bulk fixtures written with the app's own repositories, straight into the bench's database:
 * thousands of keys through the public API took most of a run on the shared machine. The rows
 * are exactly what the API would write (same repositories, ids and key format); the one thing
 * skipped is priming the caches, which the bench wants cold anyway. `npm run loadtest`, which
 * cannot reach a deployment's database, provisions through the API instead.
 */
export class Seeder {
  private readonly knex: Knex;
  private readonly orgs: OrganizationRepository;
  private readonly keys: ApiKeyRepository;

  constructor(databaseUrl: string) {
    this.knex = createKnex(loadConfig({ MYSQL_URL: databaseUrl }).database);
    this.orgs = new OrganizationRepository(this.knex);
    this.keys = new ApiKeyRepository(this.knex, new Counters());
  }

  /** `count` organizations owned by the user; returns their ids. */
  async organizations(ownerId: string, count: number): Promise<string[]> {
    const now = Date.now();
    const orgs: Organization[] = range(count).map((i) => ({
      id: newId(now),
      name: `bench ${i + 1}`,
      rateLimitPoints: null,
      rateLimitDuration: null,
      sendLimitPoints: null,
      sendLimitDuration: null,
      createdAt: now,
      updatedAt: now,
    }));
    await this.knex.transaction(async (trx) => {
      for (const org of orgs) {
        await this.orgs.insert(org, trx);
        await this.orgs.addMember(org.id, ownerId, 'owner', now, trx);
      }
    });
    return orgs.map((o) => o.id);
  }

  /** `count` keys spread round-robin over the organizations; returns their secrets. */
  async apiKeys(orgIds: string[], count: number): Promise<string[]> {
    const now = Date.now();
    const made = range(count).map((i) => {
      const secret = generateSecret(API_KEY_PREFIX);
      const key: ApiKey = {
        id: newId(now),
        organizationId: orgIds[i % orgIds.length]!,
        name: `bench key ${i + 1}`,
        start: secretStart(secret),
        keyHash: hashSecret(secret),
        active: true,
        expiresAt: null,
        lastUsedAt: null,
        deletedAt: null,
        scopes: ['*'],
        inboxIds: null,
        rolledTo: null,
        rolledFrom: null,
        createdAt: now,
        updatedAt: now,
      };
      return { secret, key };
    });
    const chunks = range(Math.ceil(made.length / CHUNK)).map((c) => made.slice(c * CHUNK, (c + 1) * CHUNK));
    await mapLimit(chunks, 4, (chunk) =>
      this.knex.transaction(async (trx) => {
        for (const { key } of chunk) await this.keys.insert(key, trx);
      }),
    );
    return made.map((m) => m.secret);
  }

  close(): Promise<void> {
    return this.knex.destroy();
  }
}
