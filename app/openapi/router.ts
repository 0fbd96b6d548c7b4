import Router from '@koa/router';
import { buildOpenApiDocument } from './document';
import { routeScopes } from './routeScopes';

/**
 * GET /openapi.json: public, built once when the app is created. `v1` is the /v1 router, whose
 * routes declare the scope each operation requires.
 */
export function openApiRouter(v1: Router): Router {
  const body = JSON.stringify(buildOpenApiDocument(undefined, routeScopes(v1)));
  const router = new Router();
  router.get('/openapi.json', (ctx) => {
    ctx.type = 'application/json';
    ctx.body = body;
  });
  return router;
}
