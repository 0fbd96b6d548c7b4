import test from 'ava';
import { Counters, LimiterStats } from '../../app/infra/counters';
import type { LeaseScript } from '../../app/infra/leaseScript';
import type { CountingRedis } from '../../app/infra/redis';
import { RedisHealth } from '../../app/infra/redisHealth';
import { LeasedBucketFamily } from '../../app/services/leasedBucketFamily';
import { BucketFamily } from '../../app/services/rateLimits';

// What lease mode does with a Redis that answers but is older than 7.0 (no PEXPIRETIME in
// scripts): the script's reply error stands in for that server.
test('on a Redis too old for the lease script, decisions are exact (not degraded) and a warning is logged once', async (t) => {
  const connected = { status: 'ready', on: () => undefined } as unknown as CountingRedis;
  const counters = new Counters();
  const health = new RedisHealth(connected, counters);
  let calls = 0;
  const script: LeaseScript = async () => {
    calls++;
    throw new Error("ERR Unknown Redis command called from script script: 1234, on @user_script:6.");
  };
  // The exact family stands in for Redis with its in-process bucket here.
  const exact = new BucketFamily({ redis: null, keyPrefix: 'rl:org', instanceCount: 1, counters, defaultBudget: { points: 3, duration: 60 } });
  const warnings: string[] = [];
  const family = new LeasedBucketFamily({ script, key: (id) => `rl:org:${id}`, health, exact, leaseMs: 100, stats: new LimiterStats(), warn: (m) => warnings.push(m) });
  const allowed = [];
  for (let i = 0; i < 4; i++) {
    const decision = await family.consume('org', { points: 3, duration: 60 });
    t.false(decision.degraded);
    allowed.push(decision.allowed);
  }
  await family.close();
  t.deepEqual(allowed, [true, true, true, false]);
  t.is(calls, 1, 'asked once, then exact');
  t.true(health.available(), 'an old Redis is not a Redis failure');
  t.is(warnings.length, 1);
  t.regex(warnings[0]!, /Redis 7\.0/);
});
