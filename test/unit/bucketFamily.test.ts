import test from 'ava';
import { Counters } from '../../app/infra/counters';
import { BucketFamily, MAX_LIMITER_PAIRS } from '../../app/services/rateLimits';

// Every organization may have its own budget, so the limiters kept per distinct
// budget must not grow without bound (in-process buckets, no I/O).
test('limiters are kept for at most MAX_LIMITER_PAIRS distinct budgets, and a bucket still decides after its budget was dropped', async (t) => {
  const family = new BucketFamily({ redis: null, keyPrefix: 'rl:org', instanceCount: 1, counters: new Counters(), defaultBudget: { points: 10, duration: 60 } });
  for (let points = 1; points <= MAX_LIMITER_PAIRS + 500; points++) {
    const decision = await family.consume(`org-${points}`, { points, duration: 60 });
    t.true(decision.allowed);
    t.is(decision.limit, points);
  }
  t.is(family.limiterCount, MAX_LIMITER_PAIRS);
  // The first budgets are the least recently used and were dropped: asking again makes a new pair.
  const again = await family.consume('org-1', { points: 1, duration: 60 });
  t.is(again.policy, '1;w=60');
  t.is(family.limiterCount, MAX_LIMITER_PAIRS);
});

test('the same budget, given as different objects, shares one limiter', async (t) => {
  const family = new BucketFamily({ redis: null, keyPrefix: 'rl:org', instanceCount: 1, counters: new Counters(), defaultBudget: { points: 2, duration: 60 } });
  const statuses = [];
  for (let i = 0; i < 3; i++) statuses.push((await family.consume('org', { points: 2, duration: 60 })).allowed);
  t.deepEqual(statuses, [true, true, false]);
  t.is(family.limiterCount, 1);
});
