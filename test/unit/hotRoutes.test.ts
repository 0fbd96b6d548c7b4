import test from 'ava';
import Router from '@koa/router';
import { hotRoutes } from '../../app/middleware/hotRoutes';

function v1Router(): Router {
  const inner = new Router();
  inner.get('/health', (ctx) => {
    ctx.body = { from: 'handler' };
  });
  inner.get('/items/:id', (ctx) => {
    ctx.body = { id: ctx.params.id };
  });
  const router = new Router({ prefix: '/v1' });
  router.use(inner.routes());
  return router;
}

function context(method: string, path: string): any {
  return { method, path, state: {}, body: undefined };
}

test('a GET of a hot path runs the router\'s own handler and leaves the route named as the router would', async (t) => {
  const step = hotRoutes(v1Router(), ['/v1/health']);
  const ctx = context('GET', '/v1/health');
  let passedOn = false;
  await step(ctx, async () => {
    passedOn = true;
  });
  t.false(passedOn);
  t.deepEqual(ctx.body, { from: 'handler' });
  t.is(ctx._matchedRoute, '/v1/health');
  t.deepEqual(ctx.matched.map((l: { path: string }) => l.path), ['/v1/health']);
});

test('other methods and paths go on to the router', async (t) => {
  const step = hotRoutes(v1Router(), ['/v1/health']);
  for (const ctx of [context('HEAD', '/v1/health'), context('POST', '/v1/health'), context('GET', '/v1/health/'), context('GET', '/v1/items/1')]) {
    let passedOn = false;
    await step(ctx, async () => {
      passedOn = true;
    });
    t.true(passedOn, `${ctx.method} ${ctx.path}`);
    t.is(ctx.body, undefined);
  }
});

test('a path that is not a static GET route of the router fails at boot', (t) => {
  t.throws(() => hotRoutes(v1Router(), ['/v1/nowhere']), { message: /no static GET route \/v1\/nowhere/ });
  t.throws(() => hotRoutes(v1Router(), ['/v1/items/:id']), { message: /no static GET route/ });
});
