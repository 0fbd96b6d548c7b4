import type { CpuPlan } from './cpus';
import type { ServerKind } from './scenarios';
import { BenchServer } from './servers';
import type { BenchWorld } from './world';

// Budgets high enough never to be reached, except where a scenario is about reaching them.
const UNREACHABLE = '1000000000';

/** The environment of each API configuration: production mode on the bench's database and prefix. */
export function serverEnv(kind: ServerKind, world: BenchWorld, redisUrl: string, migrate: boolean): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MYSQL_URL: world.databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: world.redisPrefix,
    MIGRATE_ON_START: String(migrate),
    RATE_LIMIT_POINTS: UNREACHABLE,
  };
  if (kind === 'main') env.AUTH_FAIL_POINTS = UNREACHABLE; // unknown keys measure the negative cache, not the lockout
  if (kind === 'keyCacheDisabled') env.KEY_CACHE_DISABLED = 'true';
  // authThrottle keeps the default failed-auth throttle (AUTH_FAIL_POINTS=20 per 60 s).
  return env;
}

/**
 * Runs one API configuration at a time, all pinned to the servers' CPU: switching stops the
 * previous one first (its SIGTERM flushes lastUsedAt), so no idle server's timers or flushes
 * land in another configuration's measurement.
 */
export class ApiServers {
  private current: { kind: ServerKind; server: BenchServer } | null = null;
  private migrated = false;

  constructor(
    private readonly plan: CpuPlan,
    private readonly world: BenchWorld,
    private readonly redisUrl: string,
  ) {}

  async use(kind: ServerKind): Promise<BenchServer> {
    if (this.current?.kind === kind) return this.current.server;
    await this.stop();
    const server = await BenchServer.api(kind, this.plan, serverEnv(kind, this.world, this.redisUrl, !this.migrated));
    this.migrated = true;
    this.current = { kind, server };
    return server;
  }

  async stop(): Promise<void> {
    const running = this.current;
    this.current = null;
    await running?.server.stop();
  }
}
