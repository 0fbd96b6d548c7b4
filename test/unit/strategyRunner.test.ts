import test from 'ava';
import { Strategy } from 'passport-strategy';
import { strategyRunner } from '../../app/auth/strategyRunner';

// A strategy that does what it is told, now or on a later tick, as a passport strategy would.
class Scripted extends Strategy {
  constructor(private readonly script: (s: Strategy, req: { user?: string; later?: boolean }) => void) {
    super();
  }
  override authenticate(req: unknown): void {
    const r = req as { later?: boolean };
    if (r.later) setImmediate(() => this.script(this, r));
    else this.script(this, r);
  }
}

const succeed = new Scripted((s, req) => s.success(req.user));

test('a strategy that decides synchronously gets its outcome back as a value, not a promise', (t) => {
  const run = strategyRunner<string>(succeed);
  t.deepEqual(run({ user: 'u1' }), { ok: true, user: 'u1', info: undefined });
});

test('a strategy that waits gets a promise of the same outcome', async (t) => {
  const run = strategyRunner<string>(succeed);
  const outcome = run({ user: 'u2', later: true });
  t.true(outcome instanceof Promise);
  t.deepEqual(await outcome, { ok: true, user: 'u2', info: undefined });
});

test('concurrent attempts of one strategy keep their own outcomes', async (t) => {
  const run = strategyRunner<string>(succeed);
  const outcomes = await Promise.all(['a', 'b', 'c'].map((user, i) => run({ user, later: i % 2 === 0 })));
  t.deepEqual(outcomes.map((o) => (o.ok ? o.user : null)), ['a', 'b', 'c']);
});

test('fail drops a bare status and keeps a challenge; pass is a failure without one', async (t) => {
  t.deepEqual(strategyRunner(new Scripted((s) => s.fail(401)))({}), { ok: false, challenge: undefined });
  t.deepEqual(strategyRunner(new Scripted((s) => s.fail({ code: 'x' }, 401)))({}), { ok: false, challenge: { code: 'x' } });
  t.deepEqual(await strategyRunner(new Scripted((s) => s.pass()))({ later: true }), { ok: false });
});

test('error and redirect reject, whether they come now or later', async (t) => {
  const boom = new Error('store down');
  await t.throwsAsync(() => Promise.resolve(strategyRunner(new Scripted((s) => s.error(boom)))({})), { is: boom });
  await t.throwsAsync(() => Promise.resolve(strategyRunner(new Scripted((s) => s.error(boom)))({ later: true })), { is: boom });
  await t.throwsAsync(() => Promise.resolve(strategyRunner(new Scripted((s) => s.redirect('/x')))({})), { message: 'strategy tried to redirect' });
});

test('the first hook a strategy calls decides', async (t) => {
  const boom = new Error('first');
  t.deepEqual(strategyRunner(new Scripted((s) => (s.fail(401), s.success('late'))))({}), { ok: false, challenge: undefined });
  await t.throwsAsync(() => Promise.resolve(strategyRunner(new Scripted((s) => (s.error(boom), s.success('late'))))({})), { is: boom });
  t.deepEqual(await strategyRunner(new Scripted((s) => (s.success('u'), s.error(boom))))({ later: true }), { ok: true, user: 'u', info: undefined });
});
