import test from 'ava';
import type { Cluster } from 'ioredis';
import '../helpers/onCluster';
import { register, TestWorld, type Account, type TestApp } from '../helpers/testApp';
import { stopOwnSharedCluster } from '../helpers/topology';

// What only a cluster can show: buckets spread over the masters, and budgets that stay exact
// across instances whichever master holds them.
let world: TestWorld;
let a: TestApp;
let b: TestApp;
test.before(async () => {
  world = await TestWorld.create();
  [a, b] = await Promise.all([world.start(), world.start()]);
});
test.after.always(async () => {
  await world?.close();
  await stopOwnSharedCluster();
});

/** A new organization of the account's user, with a key of its own (the org's bucket is made on first use). */
async function organizationWithKey(app: TestApp, owner: Account, name: string): Promise<{ orgId: string; key: string }> {
  const org = await app.post('/organizations', { auth: owner.token, body: { name } });
  if (org.status !== 201) throw new Error(JSON.stringify(org.body));
  const key = await app.post(`/organizations/${org.body.id}/api_keys`, { auth: owner.token, body: { name: 'spread' } });
  if (key.status !== 201) throw new Error(JSON.stringify(key.body));
  return { orgId: org.body.id, key: key.body.key };
}

test('organizations spread over all three masters: each master holds request buckets', async (t) => {
  const owner = await register(a);
  // 24 random organization ids: the chance that one master of three gets none is 3 × (2/3)^24 < 0.2 %.
  const orgs = [];
  for (let i = 0; i < 24; i++) orgs.push(await organizationWithKey(a, owner, `spread ${i}`));
  for (const org of orgs) t.is((await a.get('/v1/health', { auth: org.key })).status, 200);

  // Each master is asked directly (SCAN answers only for the node's own slots).
  const ours = new Set(orgs.map((o) => `${world.redisPrefix}rl:org:${o.orgId}`));
  const masters = (a.deps.redis as Cluster).nodes('master');
  t.is(masters.length, 3);
  const perMaster = await Promise.all(
    masters.map(async (node) => {
      let count = 0;
      let cursor = '0';
      do {
        const [next, keys] = await node.scan(cursor, 'MATCH', `${world.redisPrefix}rl:org:*`, 'COUNT', 1000);
        count += keys.filter((k) => ours.has(k)).length;
        cursor = next;
      } while (cursor !== '0');
      return count;
    }),
  );
  t.true(perMaster.every((n) => n > 0), `buckets per master: ${perMaster.join(', ')}`);
  t.is(perMaster.reduce((x, y) => x + y, 0), orgs.length, 'every bucket found once');
});

test('budgets stay exact across two instances for organizations on different masters', async (t) => {
  const owner = await register(a);
  const budget = 15;
  const orgs = [];
  for (let i = 0; i < 6; i++) {
    const org = await organizationWithKey(a, owner, `exact ${i}`);
    t.is((await a.patch(`/organizations/${org.orgId}`, { auth: owner.token, body: { rateLimitPoints: budget, rateLimitDuration: 300 } })).status, 200);
    // Creating the key through /organizations/:orgId/api_keys drew a point from this bucket (it is
    // metered like /v1): start the counted window empty.
    await (a.deps.redis as Cluster).del(`${world.redisPrefix}rl:org:${org.orgId}`);
    orgs.push(org);
  }
  // 2 × budget requests per organization, all at once, alternating between the two instances.
  const replies = await Promise.all(
    orgs.flatMap((org) => Array.from({ length: 2 * budget }, (_, i) => (i % 2 ? a : b).get('/v1/health', { auth: org.key }).then((r) => ({ org: org.orgId, status: r.status, degraded: r.headers.get('sendook-degraded') })))),
  );
  t.deepEqual(replies.filter((r) => r.degraded !== null), [], 'Redis answered throughout');
  for (const org of orgs) {
    const statuses = replies.filter((r) => r.org === org.orgId).map((r) => r.status);
    t.is(statuses.filter((s) => s === 200).length, budget, org.orgId);
    t.is(statuses.filter((s) => s === 429).length, budget, org.orgId);
  }
  // The organizations' buckets are on more than one master, so exactness did not hinge on one node.
  const cluster = a.deps.redis as Cluster;
  const slots = await Promise.all(orgs.map((o) => cluster.cluster('KEYSLOT', `${world.redisPrefix}rl:org:${o.orgId}`) as Promise<number>));
  const owners = new Set(slots.map((slot) => cluster.slots[slot]?.[0]));
  t.true(owners.size > 1, `masters holding the buckets: ${[...owners].join(', ')}`);
});
