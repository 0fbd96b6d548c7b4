import Router from '@koa/router';
import type { Deps } from '../container';
import { NO_SCOPE, requireScope } from '../http/requireScope';
import { sendJson } from '../http/sendJson';

type PartStatus = 'ok' | 'embedded' | 'down';
// Generous on purpose: a busy instance is not a down dependency.
const CHECK_TIMEOUT_MS = 2000;

/** GET /health: each dependency, or its embedded stand-in; 503 when one does not answer. */
export function healthRouter({ config, knex, redis }: Pick<Deps, 'config' | 'knex' | 'redis'>): Router {
  const router = new Router();
  router.get('/health', async (ctx) => {
    const [mysql, redisStatus] = await Promise.all([
      config.database.client === 'sqlite' ? ('embedded' as const) : probe(() => knex.raw('select 1')),
      redis ? probe(() => redis.ping()) : ('embedded' as const),
    ]);
    const healthy = mysql !== 'down' && redisStatus !== 'down';
    ctx.status = healthy ? 200 : 503;
    ctx.body = { healthy, mysql, redis: redisStatus };
  });
  return router;
}

/** GET /v1/health: the cheapest authenticated request, to test a key and for load tests. */
export function v1HealthRouter(): Router {
  const router = new Router();
  // Any working key may test itself: no scope needed.
  router.get('/health', requireScope(NO_SCOPE), (ctx) => {
    sendJson(ctx, { healthy: true, organizationId: ctx.state.organization!.id, apiKeyId: ctx.state.apiKey!.id });
  });
  return router;
}

async function probe(check: () => Promise<unknown>): Promise<PartStatus> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}
