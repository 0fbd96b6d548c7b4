import { KeySource } from './keySource';
import type { Load } from './slice';

/**
 * Which API configuration a scenario runs against (see serverEnv in bench/apiServers.ts): `default`
 * is the deployed default (lease mode, the access log on to a file, usage on); `lease` the same at
 * LOG_LEVEL=warn; `main` is exact mode at LOG_LEVEL=warn.
 */
export type ApiKind = 'default' | 'main' | 'lease' | 'usageOff' | 'keyCacheDisabled' | 'authThrottle';
/** An API configuration, or a reference server measured like one (bench/floorKoa.ts, bench/bareKoa.ts). */
export type ServerKind = ApiKind | 'floor' | 'floorApiClient' | 'leaseFloor' | 'koaWithoutRouter' | 'bareKoa' | 'bareKoaEndOfTurn';

/** The keys the bench provisioned (and made up) before measuring. */
export interface Fixtures {
  /** One valid key, used by the headline scenario. */
  warmKey: string;
  /** Valid keys spread over organizations (1,000 over 100 unless BENCH_KEYS/BENCH_ORGS say otherwise). */
  spreadKeys: string[];
  /** Valid keys never used before the cold scenario. */
  coldKeys: string[];
  /** A key of an organization with many keys, for the listing. */
  listingKey: string;
  /** A key of an organization whose budget is spent. */
  overBudgetKey: string;
  /** Well-formed keys (right checksum) that match no key. */
  unknownKeys: string[];
  /** Keys whose checksum is wrong. */
  malformedKeys: string[];
}

export interface Scenario {
  name: string;
  title: string;
  server: ServerKind;
  /** Pairs of 1-second slices per BENCH_DURATION second (the headline gets more). */
  pairsPerSecond: number;
  /** Uses thousands of valid keys: the server's next lastUsedAt flush is thousands of UPDATEs. */
  servesManyKeys: boolean;
  /**
   * What the scenario is compared with: bare Koa in alternating slices unless set. When set, a
   * head-to-head scenario: both servers under load at once (bench/measure.ts), so their ratio
   * does not carry the machine's drift, which on a shared machine is larger than the differences
   * measured. Only for servers that wait on the same I/O (measure says why).
   */
  reference?: ServerKind;
  /**
   * With a reference: alternate 1-second slices with it (as with bare Koa) instead of loading both
   * at once. For servers that wait on different I/O, where head to head is not fair (bench/measure.ts).
   */
  alternate: boolean;
  load(f: Fixtures): Load;
}

const health = '/v1/health';
const warm = (f: Fixtures): Load => ({ path: health, keys: KeySource.same(f.warmKey) });

/**
 * In run order, grouped by server so that the bench switches servers as rarely as possible, and
 * the scenarios that serve thousands of keys last in their group (see ApiServers). To add a
 * scenario, add an entry here (and a fixture if it needs keys of a new kind); the bench and its
 * results pick it up, and BENCH_SCENARIOS=<name> runs it alone.
 */
export const scenarios: Scenario[] = [
  // What a user gets: the deployed default against Koa + @koa/router, by alternating slices (the
  // headline) and head to head. Then the references, not the API: bare Koa with the API's
  // scheduling (answers at the end of the event-loop turn), the lease floor and the exact floor
  // (bench/floorKoa.ts, with that scheduling too), the exact floor on the API's client options,
  // Koa without its router.
  scenario('default', 'the default configuration (lease, access log to a file, usage on), warm key, GET /v1/health', 'default', warm, { pairsPerSecond: 3 }),
  scenario('default-vs-bare-koa', 'head to head: the default configuration against bare Koa', 'default', warm, { pairsPerSecond: 2, reference: 'bareKoa' }),
  scenario('default-vs-log-quiet', 'alternating: the default configuration against the same at LOG_LEVEL=warn (no access log)', 'default', warm, { pairsPerSecond: 3, reference: 'lease', alternate: true }),
  scenario('bare-koa-end-of-turn', 'reference, not the API: bare Koa answering at the end of the event-loop turn, as the API does', 'bareKoaEndOfTurn', warm, { pairsPerSecond: 2 }),
  scenario('default-vs-bare-koa-end-of-turn', 'alternating: the default configuration against bare Koa answering at the end of the turn', 'default', warm, { pairsPerSecond: 2, reference: 'bareKoaEndOfTurn', alternate: true }),
  scenario('lease-floor', 'reference, not the API: bare Koa + one SHA-256, a Map lookup, an in-process counter and the five headers', 'leaseFloor', warm, { pairsPerSecond: 2 }),
  scenario('floor', 'reference, not the API: bare Koa + one SHA-256, a Map lookup, one RateLimiterRedis consume (plain ioredis client)', 'floor', warm, { pairsPerSecond: 2 }),
  scenario('floor-api-client', "reference, not the API: the floor on the API's client options (no offline queue, 100 ms deadline)", 'floorApiClient', warm),
  scenario('koa-without-router', 'reference, not the API: Koa answering the same JSON without @koa/router', 'koaWithoutRouter', warm),
  scenario('warm-key-lease', 'warm key, GET /v1/health, RATE_LIMIT_MODE=lease', 'lease', warm, { pairsPerSecond: 2 }),
  scenario('lease-vs-lease-floor', 'alternating: warm key, RATE_LIMIT_MODE=lease, against the lease floor', 'lease', warm, { pairsPerSecond: 3, reference: 'leaseFloor', alternate: true }),
  scenario('lease-vs-exact', 'alternating: warm key, RATE_LIMIT_MODE=lease, against the same in exact mode', 'lease', warm, { pairsPerSecond: 3, reference: 'main', alternate: true }),
  scenario('warm-key', 'warm key, GET /v1/health, RATE_LIMIT_MODE=exact', 'main', warm, { pairsPerSecond: 3 }),
  scenario('exact-vs-floor', 'alternating: warm key (exact mode) against the exact floor (plain ioredis client)', 'main', warm, { pairsPerSecond: 3, reference: 'floor', alternate: true }),
  // Head to head, both servers loaded at once: each pair waits on the same I/O (none, or one Redis command).
  scenario('usage-on-vs-off', 'head to head: warm key, usage recorded (exact mode) against USAGE_DISABLED', 'main', warm, { pairsPerSecond: 4, reference: 'usageOff' }),
  scenario('warm-key-vs-floor', 'head to head: warm key (exact mode) against the floor (plain ioredis client)', 'main', warm, { pairsPerSecond: 4, reference: 'floor' }),
  scenario('warm-key-usage-off', 'warm key, GET /v1/health, RATE_LIMIT_MODE=exact, USAGE_DISABLED (no usage, clients or logs)', 'usageOff', warm, { pairsPerSecond: 2 }),
  scenario('over-budget', 'organization over its budget (429)', 'main', (f) => ({ path: health, keys: KeySource.same(f.overBudgetKey) })),
  scenario('malformed-key', 'malformed keys (bad checksum)', 'main', (f) => ({ path: health, keys: KeySource.rotate(f.malformedKeys) })),
  scenario('unknown-key', 'unknown well-formed keys: the negative cache (lockout not reached)', 'main', (f) => ({ path: health, keys: KeySource.rotate(f.unknownKeys) })),
  // A listing that reads the database on every request (one organization's API keys): the cost of
  // a real query behind the whole pipeline, beside the cached health check.
  scenario('listing', 'a real listing, GET /v1/api_keys', 'main', (f) => ({ path: '/v1/api_keys', keys: KeySource.same(f.listingKey) })),
  scenario('many-keys', '1,000 keys over 100 organizations (BENCH_KEYS, BENCH_ORGS)', 'main', (f) => ({ path: health, keys: KeySource.rotate(f.spreadKeys) }), { servesManyKeys: true }),
  scenario('cold-cache', 'cold cache: every key used for the first time', 'main', (f) => ({ path: health, keys: KeySource.eachOnce(f.coldKeys) }), { servesManyKeys: true }),
  scenario('caches-disabled', 'warm key, KEY_CACHE_DISABLED: one MySQL lookup per request', 'keyCacheDisabled', warm),
  scenario('unknown-key-throttled', 'unknown keys, default failed-auth throttle (20 per 60 s): locked out', 'authThrottle', (f) => ({ path: health, keys: KeySource.rotate(f.unknownKeys) })),
];

function scenario(name: string, title: string, server: ServerKind, load: Scenario['load'], options: Partial<Pick<Scenario, 'pairsPerSecond' | 'servesManyKeys' | 'reference' | 'alternate'>> = {}): Scenario {
  const { pairsPerSecond = 1, servesManyKeys = false, reference, alternate = false } = options;
  return { name, title, server, load, pairsPerSecond, servesManyKeys, reference, alternate };
}
