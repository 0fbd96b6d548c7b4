import Router from '@koa/router';
import Koa from 'koa';
import { endOfReadTurn } from '../app/middleware/endOfReadTurn';
import { recordedResponses, RECORDED_PATHS, serveReference } from './referenceServer';

/**
 * The reference the bench divides by ("bare Koa"): Koa with @koa/router, the framework and router
 * the API is built on and nothing else, answering each recorded path with the JSON the real API
 * answered (recorded by the bench), with no authentication, cache, limiter or database. Whatever
 * the pipeline costs on top of this is what the ratio measures. BARE_ROUTER=false serves the same
 * bodies without the router (the `koa-without-router` scenario, for comparison only).
 * BARE_END_OF_TURN=true answers at the end of the event-loop turn, as the API does
 * (app/middleware/endOfReadTurn.ts): the `bare-koa-end-of-turn` scenario, which shows how much of
 * the API's ratio to bare Koa is that scheduling rather than less work.
 */
const responseFor = recordedResponses();
const app = new Koa();
if (process.env.BARE_END_OF_TURN === 'true') app.use(endOfReadTurn());

if (process.env.BARE_ROUTER === 'false') {
  app.use(function bareResponse(ctx) {
    ctx.body = responseFor(ctx.path);
  });
} else {
  const router = new Router();
  for (const path of RECORDED_PATHS) {
    const body = responseFor(path);
    router.get(path, function recorded(ctx) {
      ctx.body = body;
    });
  }
  app.use(router.routes());
  app.use(router.allowedMethods());
}

// Measured like the API in the koa-without-router scenario, so it answers the counters probe: it
// makes no MySQL query and no Redis command.
process.on('message', (message) => {
  if (message === 'bench:counters') process.send?.({ type: 'bench:counters', counters: {}, instances: 1 });
});

serveReference(app);
