import Koa from 'koa';
import { recordedResponses, serveReference } from './referenceServer';

/**
 * The reference the bench divides by: Koa on the same Node, answering each path with the JSON the
 * real API answered (recorded by the bench), with no authentication, cache, limiter or database.
 * Whatever the pipeline costs on top of this is what the ratio measures.
 */
const responseFor = recordedResponses();

const app = new Koa();
app.use(function bareResponse(ctx) {
  ctx.body = responseFor(ctx.path);
});

serveReference(app);
