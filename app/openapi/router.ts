import Router from '@koa/router';
import { buildOpenApiDocument } from './document';

/** GET /openapi.json: public, built once when the app is created. */
export function openApiRouter(): Router {
  const body = JSON.stringify(buildOpenApiDocument());
  const router = new Router();
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}
