import test from 'ava';
import type { Context } from 'koa';
import { endOfReadTurn } from '../../app/middleware/endOfReadTurn';

const ctx = {} as Context;
const checkPhase = () => new Promise<void>((resolve) => setImmediate(resolve));

test('a request runs in the check phase of its turn: not at once, not when microtasks run', async (t) => {
  const middleware = endOfReadTurn();
  let ran = false;
  const done = middleware(ctx, async () => {
    ran = true;
  });
  t.false(ran);
  for (let i = 0; i < 10; i++) await Promise.resolve();
  t.false(ran);
  await checkPhase();
  t.true(ran);
  await done;
});

test('the requests of one turn run together, in the order they came; one that comes while they run waits for the next turn', async (t) => {
  const middleware = endOfReadTurn();
  const order: string[] = [];
  const runs: Promise<unknown>[] = [];
  const request = (name: string, then?: () => void) =>
    runs.push(
      middleware(ctx, async () => {
        order.push(name);
        then?.();
      }),
    );
  request('a', () => request('late'));
  request('b');
  request('c');
  // Queued after the three: they run before it, the late one after it.
  setImmediate(() => order.push('turn ends'));
  await checkPhase();
  await checkPhase();
  await Promise.all(runs);
  t.deepEqual(order, ['a', 'b', 'c', 'turn ends', 'late']);
});

test("the rest of the request's failure is the middleware's failure", async (t) => {
  const middleware = endOfReadTurn();
  const error = new Error('from the pipeline');
  await t.throwsAsync(
    middleware(ctx, async () => {
      throw error;
    }),
    { is: error },
  );
});
