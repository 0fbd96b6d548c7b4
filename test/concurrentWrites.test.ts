import test from 'ava';
import { register, TestWorld, type TestApp } from './helpers/testApp';

let world: TestWorld;
let instances: TestApp[];
test.before(async () => {
  world = await TestWorld.create();
  // Deleted keys are tried on purpose below: keep the failed-attempt lockout out of the way.
  const env = { AUTH_FAIL_POINTS: '100000' };
  instances = await Promise.all([world.start(env), world.start(env)]);
});
test.after.always(() => world?.close());

test('hundreds of concurrent key creations and deletions: every 2xx is stored, every deleted key is refused everywhere', async (t) => {
  const [a, b] = instances as [TestApp, TestApp];
  const account = await register(a);
  // Above the default: an operator's change (what `npm run admin` calls), not an owner's PATCH.
  await a.deps.organizations.update(account.orgId, { rateLimitPoints: 100_000 });
  const on = (i: number) => instances[i % 2]!;

  // 300 creations at once, alternating instances and credentials (API key and access token).
  const creations = await Promise.all(
    Array.from({ length: 300 }, (_, i) =>
      i % 3 === 0
        ? on(i).post(`/organizations/${account.orgId}/api_keys`, { auth: account.token, body: { name: `k${i}` } })
        : on(i).post('/v1/api_keys', { auth: account.key, body: { name: `k${i}` } }),
    ),
  );
  const created = creations.filter((r) => r.status === 201).map((r) => r.body as { id: string; key: string; name: string });
  t.true(creations.every((r) => r.status === 201 || r.status === 503), JSON.stringify(creations.filter((r) => r.status !== 201).slice(0, 3)));
  t.true(created.length >= 290, `created ${created.length}`);

  // Delete half of them while creating 100 more.
  const doomed = created.filter((_, i) => i % 2 === 0);
  const [deletions, more] = await Promise.all([
    Promise.all(doomed.map((k, i) => on(i).delete(`/v1/api_keys/${k.id}`, { auth: account.key }))),
    Promise.all(Array.from({ length: 100 }, (_, i) => on(i).post('/v1/api_keys', { auth: account.key, body: { name: `m${i}` } }))),
  ]);
  const deleted = doomed.filter((_, i) => deletions[i]!.status === 200);
  const survivors = [...created.filter((_, i) => i % 2 === 1), ...more.filter((r) => r.status === 201).map((r) => r.body)];

  const rows = await a.deps.knex('api_keys').where({ organization_id: account.orgId }).select('id', 'name', 'deleted_at');
  const byId = new Map(rows.map((r: { id: string; name: string; deleted_at: number | null }) => [r.id, r]));
  for (const k of survivors) t.true(byId.has(k.id) && byId.get(k.id)!.deleted_at === null, `survivor ${k.name} stored`);
  for (const k of deleted) t.truthy(byId.get(k.id)?.deleted_at, `deletion of ${k.name} stored`);

  // Every deleted key is refused by both instances; every survivor works on both.
  const sample = [...deleted.slice(0, 40), ...survivors.slice(0, 40)];
  for (const app of [a, b]) {
    const statuses = await Promise.all(sample.map((k) => app.get('/v1/health', { auth: k.key }).then((r) => r.status)));
    t.deepEqual(statuses, [...Array(Math.min(40, deleted.length)).fill(401), ...Array(Math.min(40, survivors.length)).fill(200)]);
  }
});
