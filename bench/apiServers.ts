import type { CpuPlan } from './cpus';
import type { ApiKind, ServerKind } from './scenarios';
import { BenchServer } from './servers';
import type { BenchWorld } from './world';

/**
 * Every reference server (each kind that is not the API) and how it is started: a floor by its
 * Redis client (bench/floorKoa.ts), bare Koa by its options (bench/bareKoa.ts).
 */
type Reference = { floor: 'plain' | 'api' | 'lease' } | { router: boolean; endOfTurn: boolean };
const REFERENCES: Record<Exclude<ServerKind, ApiKind>, Reference> = {
  floor: { floor: 'plain' },
  floorApiClient: { floor: 'api' },
  leaseFloor: { floor: 'lease' },
  bareKoa: { router: true, endOfTurn: false },
  koaWithoutRouter: { router: false, endOfTurn: false },
  bareKoaEndOfTurn: { router: true, endOfTurn: true },
};

// Budgets high enough never to be reached, except where a scenario is about reaching them.
const UNREACHABLE = '1000000000';

/** The environment of each API configuration: production mode on the bench's database and prefix. */
export function serverEnv(kind: ApiKind, world: BenchWorld, redisUrl: string, migrate: boolean): Record<string, string> {
  const env: Record<string, string> = {
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    MYSQL_URL: world.databaseUrl,
    REDIS_URL: redisUrl,
    REDIS_PREFIX: world.redisPrefix,
    MIGRATE_ON_START: String(migrate),
    RATE_LIMIT_POINTS: UNREACHABLE,
    // The two designs of the organization bucket: `default` and `lease` lease, the rest are exact.
    RATE_LIMIT_MODE: kind === 'lease' || kind === 'default' ? 'lease' : 'exact',
  };
  // The deployed default: the access log on (one line per request, to a file: bench/servers.ts).
  if (kind === 'default') env.LOG_LEVEL = 'info';
  if (kind === 'main') env.AUTH_FAIL_POINTS = UNREACHABLE; // unknown keys measure the negative cache, not the lockout
  if (kind === 'keyCacheDisabled') env.KEY_CACHE_DISABLED = 'true';
  if (kind === 'usageOff') env.USAGE_DISABLED = 'true';
  // authThrottle keeps the default failed-auth throttle (AUTH_FAIL_POINTS=20 per 60 s).
  return env;
}

// app/services/lastUsed.ts writes lastUsedAt once a minute from boot, one UPDATE per key served
// since the last write: after a scenario with thousands of keys, that flush would land in
// whichever measurement runs at the time.
const LAST_USED_FLUSH_MS = 60_000;
const MARGIN_MS = 10_000;

/**
 * Runs one API process at a time, pinned to the servers' CPU, and keeps it across scenarios of
 * the same configuration (starting and warming up a process costs seconds). It starts a fresh
 * one when the configuration changes, or when the process has served thousands of keys and its
 * next flush could fall within the coming scenario.
 */
export class ApiServers {
  private current: { kind: ServerKind; server: BenchServer; startedAt: number; servedManyKeys: boolean } | null = null;
  private migrated = false;
  /** The API's recorded responses (bench/fixtures.ts), which the floor answers with as bare Koa does. */
  responses: string | null = null;

  constructor(
    private readonly plan: CpuPlan,
    private readonly world: BenchWorld,
    private readonly redisUrl: string,
  ) {}

  /**
   * A server of this kind for a scenario of about `forMs`; `fresh` says whether it was just
   * started. `restart` always starts a new one: a head-to-head scenario compares two processes of
   * the same age, since a process that has served a few scenarios measured about 2.5% slower
   * than a new one of the same build and configuration.
   */
  async use(kind: ServerKind, forMs: number, servesManyKeys = false, restart = false): Promise<{ server: BenchServer; fresh: boolean }> {
    const c = this.current;
    const flushMayLand = (c?.servedManyKeys ?? false) && Date.now() - c!.startedAt + forMs + MARGIN_MS >= LAST_USED_FLUSH_MS;
    if (c && c.kind === kind && !flushMayLand && !restart) {
      c.servedManyKeys ||= servesManyKeys;
      return { server: c.server, fresh: false };
    }
    await this.stop();
    const server = isApi(kind)
      ? await BenchServer.api(kind, this.plan, serverEnv(kind, this.world, this.redisUrl, !this.migrated))
      : await this.startReference(REFERENCES[kind]);
    this.migrated ||= isApi(kind);
    this.current = { kind, server, startedAt: Date.now(), servedManyKeys: servesManyKeys };
    return { server, fresh: true };
  }

  private startReference(reference: Reference): Promise<BenchServer> {
    if ('floor' in reference) {
      const env = { REDIS_URL: this.redisUrl, REDIS_PREFIX: this.world.redisPrefix, BARE_RESPONSES: this.responsesFile() };
      return BenchServer.floor(this.plan, env, reference.floor);
    }
    return BenchServer.bare(this.plan, this.responsesFile(), reference.router, reference.endOfTurn);
  }

  private responsesFile(): string {
    if (!this.responses) throw new Error('the floor needs the recorded responses: set ApiServers.responses first');
    return this.responses;
  }

  async stop(): Promise<void> {
    const running = this.current;
    this.current = null;
    await running?.server.stop();
  }
}

function isApi(kind: ServerKind): kind is ApiKind {
  return !(kind in REFERENCES);
}
