import Router from '@koa/router';
import type { Deps } from '../container';
import { NO_SCOPE, requireScope } from '../http/requireScope';
import { sendJson } from '../http/sendJson';

type PartStatus = 'ok' | 'embedded' | 'down';
// Generous on purpose: a busy instance is not a down dependency.
const CHECK_TIMEOUT_MS = 2000;

/**
 * GET /health: each dependency, or its embedded stand-in; 503 when one does not answer. Domains
 * whose DKIM key this server cannot decrypt (SECRETS_KEY lost or changed) are reported in
 * `domainKeys`, present only then: they cannot send, but the server is up, so the status stays.
 */
export function healthRouter({ config, knex, redis, domains }: Pick<Deps, 'config' | 'knex' | 'redis' | 'domains'>): Router {
  const router = new Router();
  router.get('/health', async (ctx) => {
    const [mysql, redisStatus] = await Promise.all([
      config.database.client === 'sqlite' ? ('embedded' as const) : probe(() => knex.raw('select 1')),
      redis ? probe(() => redis.ping()) : ('embedded' as const),
    ]);
    const healthy = mysql !== 'down' && redisStatus !== 'down';
    const unreadable = mysql === 'down' ? 0 : await withDeadline(() => domains.unreadableKeyCount()).catch(() => 0);
    ctx.status = healthy ? 200 : 503;
    ctx.body = { healthy, mysql, redis: redisStatus, ...(unreadable > 0 ? { domainKeys: { unreadable } } : {}) };
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
  try {
    await withDeadline(check);
    return 'ok';
  } catch {
    return 'down';
  }
}

async function withDeadline<T>(check: () => Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([check(), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
